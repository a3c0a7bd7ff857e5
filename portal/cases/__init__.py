"""Support cases: filing, the conversation, escalation, closure.

Services (flush, never commit; the caller commits once):

- ``filing``: ``file_case``, ``check_draft``, ``next_case_number``, ``filing_organisation``,
  ``record_deflection``; errors are ``DomainError`` (``.errors`` by field, ``.status``).
- ``status``: ``TRANSITIONS`` (the one table), ``change_status``, ``allowed_next``, ``can_move``.
- ``conversation``: ``post_message`` (customer or staff public), ``add_internal_note``.
- ``escalation``: ``mentions_please_escalate``, ``escalate``, ``deescalate``.
- ``closure``: ``close_case``, ``reopen_case``, ``auto_close`` (periodic ``cases.auto_close``).
- ``attachments``: ``save_attachment``, ``uploaded_files``, ``attachment_path``.
- ``queries``: ``visible_cases(user)``, ``find_case``, ``find_attachment``, ``list_cases``,
  ``timeline_for``.
- ``timeline``: ``record_event``, ``notify_customer``; ``clock``: ``response_clock``.
- ``standing``: ``case_standing`` (the one SLA standing), ``at_risk_share`` and its SQL twins.
"""
