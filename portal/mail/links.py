"""The sender's domain, which every Message-ID the portal writes ends in.

Mailed links themselves come from `portal.links.public_url` (BASE_URL, never the request).
"""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app


def sender_domain() -> str:
    """The domain of MAIL_SENDER, which every Message-ID the portal writes ends in."""
    address = parseaddr(current_app.config["MAIL_SENDER"])[1]
    return address.rpartition("@")[2] or "localhost"
