"""The one error every service raises when a rule refuses what someone asked.

Services know nothing of HTTP, but each refusal says which status a caller should answer
with, so one handler (`portal/errors.py`) turns it into the same JSON error for the API and
the same page for the browser, and one commit path (`portal/transactions.py`) rolls the
request back. A view that re-renders its form catches it to show the message beside the
field; nothing else catches it.
"""

from __future__ import annotations

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
}


def code_for(status: int) -> str:
    """The API's error code for a status: `conflict` for 409, `invalid` for 422, ..."""
    return CODES.get(status, "error")


class DomainError(ValueError):
    """A refusal that is safe to show to the person who asked.

    ``message`` is one sentence for people, or a mapping of field name to message when a
    form was checked as a whole; ``field`` names the form or JSON field it concerns (None for
    the request as a whole); ``status`` is the HTTP status a caller answers with (422 by
    default: the request was understood, its content is refused); ``code`` is the stable
    machine-readable name the API sends (by default the status's name).
    """

    def __init__(
        self,
        message: str | dict[str, str],
        field: str | None = None,
        *,
        status: int = 422,
        code: str | None = None,
    ) -> None:
        if isinstance(message, dict):
            self.errors = {name: str(text) for name, text in message.items()}
            field = field or next((name for name in self.errors if name), None)
        else:
            self.errors = {field or "": str(message)}
        self.message = " ".join(self.errors.values())
        self.field = field
        self.status = status
        self.code = code or code_for(status)
        super().__init__(self.message)

    def message_for(self, name: str) -> str:
        """The message about one field, or '' when there is none."""
        return self.errors.get(name, "")

    def api_message(self) -> str:
        """One line naming each field, as the API reports it: "'subject': Give ..."."""
        return " ".join(f"'{name}': {text}" if name else text for name, text in self.errors.items())
