"""A received message as the gateway needs it, from the shapes real mail clients send.

Text comes from the text/plain part when there is one (format=flowed is unwrapped), else from
the HTML; any charset a client names is honoured, and an unknown or lying one falls back to
Windows-1252 or replaced characters rather than failing. The new text is what is left once the
quoted history and the signature are cut off (mail-parser-reply finds the "On … wrote:" and
Outlook "From: … Sent: …" headers; our own "reply above this line" marker is cut too), with
the sender's indentation and line breaks kept. Attachments and inline images come with their
names as sent; the case operations sanitise names and enforce the upload rules.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses

from mailparser_reply import EmailReplyParser

from portal.mailgate.html_text import html_to_text

MAX_HEADER = 998
REPLY_MARKER = re.compile(r"^[> ]*-- Write your reply above this line", re.MULTILINE)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,400}>")
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv", "pl", "ja"]


@dataclass
class ReceivedFile:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class ReceivedMail:
    """What the gateway decides on; every header value is one line, at most 998 characters."""

    message: Message
    message_id: str = ""
    sender: str = ""  # the address, lower-cased
    sender_name: str = ""
    subject: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    body: str = ""  # the whole text as received
    text: str = ""  # the new text: quoted history and signature removed
    files: list[ReceivedFile] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str:
        return header_text(self.message, name)

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this one answers, nearest first (In-Reply-To, then References
        from the last)."""
        seen: list[str] = []
        for mid in self.in_reply_to + list(reversed(self.references)):
            if mid not in seen:
                seen.append(mid)
        return seen


def dedupe_key(raw: bytes, message_id: str) -> str:
    """The same Message-ID twice is the same message; without one, the same bytes are."""
    basis = message_id.strip().lower().encode() if message_id else raw
    return hashlib.sha256(basis).hexdigest()


def header_text(message: Message, name: str) -> str:
    """A header as one line of text ('' when absent or unreadable): folded lines and any
    encoded CR or LF become spaces, so a value can never forge another header."""
    try:
        value = message.get(name)
    except Exception:  # a header the parser cannot make sense of reads as absent
        return ""
    if value is None:
        return ""
    return " ".join(str(value).split())[:MAX_HEADER]


def parse(raw: bytes) -> ReceivedMail:
    """Parse one RFC 5322 message; never raises for malformed input (see ``defects``)."""
    message = email.message_from_bytes(raw, policy=policy.default)
    mail = ReceivedMail(message=message)
    mail.defects = [type(d).__name__ for d in getattr(message, "defects", [])]
    mail.message_id = (_MESSAGE_ID.findall(header_text(message, "Message-ID")) or [""])[0]
    mail.sender_name, mail.sender = _sender(message)
    mail.subject = header_text(message, "Subject")
    mail.in_reply_to = _MESSAGE_ID.findall(header_text(message, "In-Reply-To"))[:50]
    mail.references = _MESSAGE_ID.findall(header_text(message, "References"))[-50:]
    body_part = _body_part(message)
    mail.body = _part_text(body_part) if body_part is not None else ""
    mail.text = new_text(mail.body)
    mail.files = list(_files(message, body_part))
    return mail


def _sender(message: Message) -> tuple[str, str]:
    value = header_text(message, "From")
    try:
        addresses = getaddresses([value])
    except Exception:
        return "", ""
    for name, address in addresses:
        if "@" in address:
            return " ".join(name.split())[:200], address.strip().lower()[:254]
    return "", ""


def _body_part(message: Message) -> Message | None:
    if not isinstance(message, EmailMessage):
        return None
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None


def _decoded_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload() or "").encode("utf-8", "replace")
    charset = (part.get_content_charset() or "us-ascii").lower()
    for candidate in (charset, "utf-8", "windows-1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")


def _part_text(part: Message) -> str:
    text = _decoded_text(part).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    if str(part.get_param("format") or "").lower() == "flowed":
        text = unflow(text, delsp=str(part.get_param("delsp") or "").lower() == "yes")
    return text


def unflow(text: str, *, delsp: bool = False) -> str:
    """Undo RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    out: list[str] = []
    current = ""
    current_depth: int | None = None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if current_depth is not None and depth != current_depth:
            out.append(_quoted(current_depth, current))
            current, current_depth = "", None
        soft = content.endswith(" ") and content.rstrip() != "--"
        if soft:
            current += content[:-1] if delsp else content
            current_depth = depth
            continue
        current += content
        out.append(_quoted(depth, current))
        current, current_depth = "", None
    if current_depth is not None:
        out.append(_quoted(current_depth, current))
    return "\n".join(out)


def _quoted(depth: int, text: str) -> str:
    return ("> " * depth) + text if depth else text


def new_text(body: str) -> str:
    """The sender's new words: everything above the quoted history and the signature.

    mail-parser-reply strips every line while it looks for the history; the cut it finds is
    mapped back onto the original lines so indentation (commands, code) survives.
    """
    if not body.strip():
        return ""
    marker = REPLY_MARKER.search(body)
    if marker:
        body = body[: marker.start()]
    try:
        reply = EmailReplyParser(languages=REPLY_LANGUAGES).read(body).replies[0].body
    except Exception:
        reply = body
    kept = _original_lines(body, reply or "")
    text = "\n".join(kept).strip("\n")
    return text.rstrip()


def _original_lines(body: str, reply: str) -> list[str]:
    """The lines of ``body`` (as sent) that ``reply`` (stripped lines) was taken from."""
    wanted = [line.strip() for line in reply.split("\n")]
    while wanted and not wanted[-1]:
        wanted.pop()
    if not wanted:
        return []
    original = body.split("\n")
    last = wanted[-1]
    matched = 0
    for index, line in enumerate(original):
        if line.strip() == wanted[matched]:
            matched += 1
            if matched == len(wanted):
                return [row.rstrip() for row in original[: index + 1]]
        elif line.strip() and matched and line.strip() != last:
            # Not a clean prefix (the parser rewrote something): trust its text instead.
            break
    return wanted


def _files(message: Message, body_part: Message | None) -> list[ReceivedFile]:
    found: list[ReceivedFile] = []
    _collect(message, body_part, found)
    return found


def _collect(part: Message, body_part: Message | None, found: list[ReceivedFile]) -> None:
    if part is body_part:
        return
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        data = _attached_message(part)
        found.append(ReceivedFile(_filename(part) or "forwarded-message.eml", content_type, data))
        return
    if part.is_multipart():
        for child in part.iter_parts() if isinstance(part, EmailMessage) else part.get_payload():
            _collect(child, body_part, found)
        return
    filename = _filename(part)
    disposition = (part.get_content_disposition() or "").lower()
    inline_image = content_type.startswith("image/") and bool(part.get("Content-ID"))
    if not filename and disposition != "attachment" and not inline_image:
        return  # the other alternative of the body (HTML beside text), or a text fragment
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = str(part.get_payload() or "").encode()
    name = filename or f"image.{part.get_content_subtype() or 'bin'}"
    found.append(ReceivedFile(name, content_type, data, inline=disposition != "attachment"))


def _attached_message(part: Message) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else payload
    if isinstance(inner, Message):
        try:
            return inner.as_bytes()
        except Exception:
            return str(inner).encode("utf-8", "replace")
    return str(inner or "").encode("utf-8", "replace")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        return ""
    return " ".join(str(name or "").split())
