"""Outgoing mail: rendered into the outbox table, delivered by the `mail.send` job.

Features call `portal.mail.outbox.queue_mail` in their own transaction; the job runner
sends through the backend chosen by MAIL_BACKEND (`file` or `smtp`) and retries on failure.
"""

from portal.mail.outbox import queue_mail

__all__ = ["queue_mail"]
