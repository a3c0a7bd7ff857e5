"""Case attachments: streamed to disk under UPLOAD_DIR with sanitised names, served as downloads.

Uploads are never read whole into memory. Werkzeug spools each file part to a temporary
file while parsing, through `capped_stream_factory`, which stops storing a part once it
passes the per-file limit; `save_attachment` then copies it in chunks to its final place.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from portal.accounts import entitlement
from portal.cases.permissions import require_may_act, require_open
from portal.cases.timeline import notify_customer, record_event
from portal.domain_error import DomainError
from portal.extensions import db
from portal.models import Attachment, Case, CaseMessage, User
from portal.models.types import utcnow

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
MAX_FILES_PER_POST = 10
MAX_DISPLAY_NAME = 255
_WRITTEN = "attachment_files_written"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def no_space(name: str, field: str = "attachments") -> DomainError:
    """The disk holding uploads is full (507); nothing of this submission was kept."""
    return DomainError(
        {
            field: f"{name} could not be stored: the portal's file storage is full. "
            "Nothing was saved; what you typed is still in the form. Try again later, or "
            "send it without the file and attach it once support has made room."
        },
        status=507,
        code="insufficient_storage",
    )


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written_files(session: Session) -> None:
    """Files stored by a transaction that rolled back (a later file of the same filing failed,
    say) are removed, so a refused submission leaves no orphan file behind."""
    for path in session.info.pop(_WRITTEN, []):
        Path(path).unlink(missing_ok=True)


def too_large(name: str, limit: int) -> DomainError:
    """A file over the size limit (413); nothing of it was kept."""
    return DomainError(
        f"{name} is larger than the {human_size(limit)} limit for one file. Nothing was saved: "
        "compress the file or split it, then send it again.",
        field="attachments",
        status=413,
    )


def max_attachment_bytes() -> int:
    """The per-file limit: MAX_ATTACHMENT_BYTES, else MAX_CONTENT_LENGTH."""
    config = current_app.config
    return int(config.get("MAX_ATTACHMENT_BYTES") or config.get("MAX_CONTENT_LENGTH") or 0)


def upload_request_limit() -> int:
    """The body limit for routes that take attachments: room for several full-size files.

    It sits above the per-file limit so that one oversized file is refused by our own check,
    with the typed text still in hand, rather than by the server before the form is read.
    """
    return max_attachment_bytes() * (MAX_FILES_PER_POST + 1) + 1024 * 1024


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


class _CappedSpool:
    """A temporary file that keeps at most `limit` bytes and remembers whether more came."""

    def __init__(self, limit: int) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=CHUNK * 8)  # noqa: SIM115
        self.limit = limit
        self.received = 0
        self.too_large = False

    def write(self, data: bytes) -> int:
        self.received += len(data)
        if self.received > self.limit:
            if not self.too_large:
                self.too_large = True
                self._file.truncate(0)
            return len(data)
        return self._file.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def capped_stream_factory(
    total_content_length: int | None,
    content_type: str | None,
    filename: str | None = None,
    content_length: int | None = None,
) -> IO[bytes]:
    """A werkzeug stream factory: oversized parts are counted but not stored."""
    return _CappedSpool(max_attachment_bytes())  # type: ignore[return-value]


def uploaded_files(files: list[FileStorage]) -> list[FileStorage]:
    """The non-empty files of a form field, refusing too many or oversized ones up front."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_FILES_PER_POST:
        raise DomainError({"attachments": f"Attach at most {MAX_FILES_PER_POST} files at a time."})
    limit = max_attachment_bytes()
    for upload in chosen:
        if getattr(upload.stream, "too_large", False) or _size(upload) > limit:
            raise too_large(display_name(upload.filename), limit)
    return chosen


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def display_name(filename: str | None) -> str:
    """The name people see: the client's base name without path or control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:MAX_DISPLAY_NAME] or "attachment"


def storage_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def save_attachment(
    case: Case,
    upload: FileStorage,
    uploader: User,
    *,
    message: CaseMessage | None = None,
    now: datetime | None = None,
    field: str = "attachments",
) -> Attachment:
    """Store one uploaded file for ``case`` and record it; the caller checked visibility.

    The file is copied in chunks under UPLOAD_DIR/cases/<case id>/ with a random prefix and a
    secure_filename() name, so a client's name can never choose the path. Raises
    DomainError (413) for a file over the limit, (507) when the disk is full. Flushes, never
    commits; if the transaction rolls back, the stored file is removed.
    """
    now = now or utcnow()
    limit = max_attachment_bytes()
    original = display_name(upload.filename)
    if getattr(upload.stream, "too_large", False) or _size(upload) > limit:
        raise too_large(original, limit)
    safe = secure_filename(original) or "attachment"
    relative = Path("cases") / str(case.id) / f"{uuid.uuid4().hex}-{safe[-100:]}"
    target = storage_root() / relative
    size = _store(upload, target, original, limit, field)
    db.session.info.setdefault(_WRITTEN, []).append(str(target))
    attachment = Attachment(
        case=case,
        message=message,
        original_name=original,
        stored_path=str(relative),
        size=size,
        content_type=(upload.mimetype or "application/octet-stream")[:120],
        uploaded_by=uploader,
        created_at=now,
    )
    db.session.add(attachment)
    db.session.flush()
    record_event(
        case, "attachment", uploader, {"attachment_id": attachment.id, "name": original}, now=now
    )
    case.updated_at = now
    from_support = entitlement.can_work_cases(uploader)
    if not from_support:
        case.last_customer_update_at = now
    notify_customer(
        case,
        f"File added: {original[:80]}",
        restarts_auto_close=from_support,
        actor=uploader,
        now=now,
    )
    return attachment


def _store(upload: FileStorage, target: Path, original: str, limit: int, field: str) -> int:
    """Copy the upload to ``target`` in chunks; its size. A file over the limit (413) or a full
    disk (507) leaves nothing at ``target``."""
    upload.stream.seek(0)
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            while chunk := upload.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(original, limit)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        target.unlink(missing_ok=True)
        if error.errno in NO_SPACE:
            log.error("upload storage full saving %s: %s", target, error)
            raise no_space(original, field) from error
        raise
    except DomainError:
        target.unlink(missing_ok=True)
        raise
    return size


def attach_files(
    case: Case,
    files: list[FileStorage],
    uploader: User,
    *,
    field: str = "attachments",
    now: datetime | None = None,
) -> list[Attachment]:
    """Add files to an open case for someone who may change it; the one path for later files.

    Raises DomainError: 403 for someone who may not change the case, 409 on a closed case,
    422 when no file was sent, 413 for a file over the limit (nothing of any file is kept).
    """
    require_may_act(case, uploader)
    chosen = uploaded_files(files)
    if not chosen:
        raise DomainError({field: "Choose at least one file to attach."})
    require_open(case, "Reopen the case before adding files.", field)
    return [save_attachment(case, item, uploader, now=now, field=field) for item in chosen]


def attachment_path(attachment: Attachment) -> Path:
    """Where the file lives; refuses any stored path that would leave UPLOAD_DIR."""
    root = storage_root().resolve()
    path = (root / attachment.stored_path).resolve()
    if root not in path.parents:
        raise FileNotFoundError(attachment.stored_path)
    return path
