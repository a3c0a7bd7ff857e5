"""The terms on suggestions, in the portal's own words (from the support guide, §3.5).

Changing the text means a new TERMS_VERSION in the service, so everyone accepts it again.
"""

from __future__ import annotations

from flask import current_app


def terms_paragraphs() -> list[str]:
    vendor = current_app.config["VENDOR_NAME"]
    return [
        f"When you send {vendor} a suggestion for improving its products, the suggestion "
        f"becomes the property of {vendor}.",
        f"{vendor} may use it for any business purpose without restriction, for example to "
        "shape product development or to improve support, and owes you nothing for it.",
        f"{vendor} will never use your suggestion in a way that identifies you personally.",
    ]
