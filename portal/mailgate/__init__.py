"""The mail gateway: received mail becomes case activity through the operations in
`portal/cases/`, as the same message on the web would, or is kept for staff to review.

- ``parsing``: RFC 5322 bytes to a `ReceivedMail` (the new text, attachments, threading
  headers), whatever the client: HTML-only, format=flowed, any charset, malformed MIME.
- ``classify``: automatic mail, bounces and loops, never answered.
- ``gateway``: ``receive(raw)``: store once, match to a case, act, or record for review.
- ``imap``: ``fetch_mailbox()`` (``flask mail fetch`` and the worker's periodic fetch).
- ``review``: staff attach a recorded message to a case or discard it; ``views`` at
  /staff/mail/.
"""
