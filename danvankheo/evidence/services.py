"""Attaching, publishing and removing evidence files.

An upload is copied in chunks to an anonymous temporary file while it is hashed and its
size counted; it is refused as soon as it passes EVIDENCE_MAX_BYTES. Only a file whose
content checks out reaches the storage. Files written during a database transaction that
then rolls back are deleted again, and files of deleted rows are removed only once the
deletion has committed, so disk and database never disagree.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit.services import record
from ..core.errors import StaleError
from ..core.formatting import format_number
from ..extensions import db
from ..registry.models import Initiative
from .filetypes import FileRefused, FileType, detect, extension_of
from .models import Evidence
from .storage import CHUNK_SIZE, Storage, get_storage

NAME_LIMIT = 180
FALLBACK_STEM = "minh-chung"
THUMBNAIL_SIZE = (480, 480)


class FileTooLarge(FileRefused):
    """Refused because of its size: answered with 413."""

    status = 413


ATTACHED_MEANWHILE = "Một tệp vừa được người khác đính kèm cùng lúc; vui lòng tải lại trang và thử lại."


# --- Keeping disk and database in step ----------------------------------------------------

_NEW_FILES = "evidence_new_files"
_DOOMED_FILES = "evidence_doomed_files"

log = logging.getLogger("danvankheo.evidence")


def _track_new(storage: Storage, key: str) -> None:
    """A staged file: published when the session commits, discarded when it rolls back."""
    db.session.info.setdefault(_NEW_FILES, []).append((storage, key))


def _delete_after_commit(storage: Storage, key: str | None) -> None:
    if key:
        db.session.info.setdefault(_DOOMED_FILES, []).append((storage, key))


@event.listens_for(Session, "after_commit")
def _files_after_commit(session: Session) -> None:
    for storage, key in session.info.pop(_NEW_FILES, []):
        try:
            storage.publish(key)
        except OSError as error:
            # The row is committed and its bytes are in "<key>.part": `storage-check --fix`
            # (also run at start-up) finishes the rename.
            log.error("evidence %s: could not publish the staged file: %s", key, error)
    for storage, key in session.info.pop(_DOOMED_FILES, []):
        storage.delete(key)


@event.listens_for(Session, "after_transaction_end")
def _files_after_rollback(session: Session, transaction) -> None:
    # Only the outermost transaction decides; after a commit the lists are already empty.
    if transaction.parent is not None:
        return
    session.info.pop(_DOOMED_FILES, None)
    for storage, key in session.info.pop(_NEW_FILES, []):
        storage.discard(key)


# --- Names ---------------------------------------------------------------------------------


def clean_filename(raw: str | None) -> str:
    """The user's file name made safe to show and to send in a header.

    Keeps Vietnamese letters and punctuation; drops any folder part, control and
    formatting characters (NUL, new lines, right-to-left overrides), leading dots and
    runs of spaces; shortens a long name without losing its extension.
    """
    # Browsers send a double quote in a file name as %22 and line breaks as %0A/%0D (HTML spec).
    name = (raw or "").replace("%22", '"').replace("%0A", "").replace("%0D", "")
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if not name:
        return ""
    ext = name[len(name) - len(extension_of(name)):] if extension_of(name) else ""
    if len(ext) > 10 or not ext[1:].isalnum():
        ext = ""
    stem = name[: len(name) - len(ext)] if ext else name
    if len(name) > NAME_LIMIT:
        stem = stem[: NAME_LIMIT - len(ext)].rstrip(" .")
    return (stem or FALLBACK_STEM) + ext


def _final_name(name: str, file_type: FileType) -> str:
    ext = extension_of(name)
    if not ext:
        return (name or FALLBACK_STEM)[: NAME_LIMIT - len(file_type.extension)] + file_type.extension
    if ext not in file_type.extensions:
        raise FileRefused(
            f"Nội dung tệp là {file_type.label} nhưng tên tệp có phần mở rộng “{ext}”. "
            "Vui lòng kiểm tra lại, đổi đúng phần mở rộng rồi tải lên."
        )
    return name


# --- Upload --------------------------------------------------------------------------------


def _spool(stream: BinaryIO, max_bytes: int) -> tuple[BinaryIO, int, str]:
    """Copy `stream` to an anonymous temporary file, hashing it; refuse past `max_bytes`."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge(
                    f"Tệp vượt quá dung lượng cho phép ({format_number(max_bytes // (1024 * 1024))} MB)."
                    if max_bytes >= 1024 * 1024
                    else f"Tệp vượt quá dung lượng cho phép ({format_number(max_bytes)} byte)."
                )
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size, digest.hexdigest()


def _thumbnail(spool: BinaryIO) -> io.BytesIO:
    from PIL import Image, ImageOps

    spool.seek(0)
    with Image.open(spool) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
    out.seek(0)
    return out


class _CheckedUpload(NamedTuple):
    """An upload that passed the checks, with its final name and its spooled copy."""

    name: str
    file_type: FileType
    spool: BinaryIO
    size: int
    sha256: str


@contextmanager
def _checked_upload(stream: BinaryIO, filename: str | None) -> Iterator[_CheckedUpload]:
    """The upload checked as evidence is (size, type from the content, name), spooled to a
    temporary file that is closed when the block ends; or FileRefused."""
    name = clean_filename(filename)
    if not name and not filename:
        raise FileRefused("Chưa chọn tệp.")
    config = current_app.config
    spool, size, sha256 = _spool(stream, config["EVIDENCE_MAX_BYTES"])
    try:
        file_type = detect(spool, size, config["EVIDENCE_ALLOWED_TYPES"])
        yield _CheckedUpload(_final_name(name, file_type), file_type, spool, size, sha256)
    finally:
        spool.close()


def attach(initiative: Initiative, stream: BinaryIO, filename: str | None, *, actor, is_public: bool = False) -> Evidence:
    """Check and store one uploaded file as evidence of `initiative`, or raise FileRefused."""
    storage = get_storage()
    written: list[str] = []
    with _checked_upload(stream, filename) as (name, file_type, spool, size, sha256):
        try:
            duplicate = db.session.scalar(
                select(Evidence).where(Evidence.initiative_id == initiative.id, Evidence.sha256 == sha256)
            )
            if duplicate is not None:
                raise FileRefused(f"Tệp này đã được đính kèm vào mô hình (trùng nội dung với “{duplicate.original_name}”).")
            spool.seek(0)
            key = storage.stage_stream(spool)
            written.append(key)
            thumbnail_key = None
            if file_type.is_image:
                thumbnail_key = storage.stage_stream(_thumbnail(spool))
                written.append(thumbnail_key)
            evidence = Evidence(
                initiative_id=initiative.id,
                original_name=name,
                storage_key=key,
                thumbnail_key=thumbnail_key,
                content_type=file_type.mimetype,
                size=size,
                sha256=sha256,
                is_public=is_public,
                uploaded_by_id=getattr(actor, "id", None),
            )
            db.session.add(evidence)
            try:
                db.session.flush()
            except IntegrityError as error:
                # The same file attached by someone else a moment earlier (one sha256 a model).
                raise StaleError(ATTACHED_MEANWHILE) from error
            for written_key in written:
                _track_new(storage, written_key)
            written = []
            record(
                "evidence.upload",
                evidence,
                actor=actor,
                label=f"{initiative.name}: {name}",
                changes={"file": [None, name], "sha256": [None, sha256]},
                parent=initiative,
            )
            return evidence
        finally:
            # Anything written but not yet handed to the session's bookkeeping goes now.
            for key in written:
                storage.discard(key)


def attach_all(
    initiative: Initiative, uploads: list[tuple[BinaryIO, str | None]], *, actor, is_public: bool = False
) -> tuple[list[Evidence], list[str]]:
    """Attach the files of one upload: those refused (type, content, duplicate) are skipped
    and named in the second list, each with its reason; one file too large refuses them all."""
    saved: list[Evidence] = []
    refused: list[str] = []
    for stream, filename in uploads:
        shown = clean_filename(filename) or "(không tên)"
        try:
            saved.append(attach(initiative, stream, filename, actor=actor, is_public=is_public))
        except FileTooLarge as error:
            raise FileTooLarge(f"“{shown}”: {error} Không tệp nào trong lần tải này được lưu.") from error
        except FileRefused as error:
            refused.append(f"“{shown}”: {error}")
    return saved, refused


@dataclass(frozen=True)
class StagedFile:
    """A checked upload in the storage, published when the session commits."""

    name: str
    storage_key: str
    content_type: str
    size: int
    sha256: str


def stage_checked_file(stream: BinaryIO, filename: str | None) -> StagedFile:
    """Check one upload as evidence is checked (size, type from the content, name) and stage it
    in the storage, or raise FileRefused: published with the commit, discarded with a rollback.
    For the files other features keep that are no evidence of the dossier (a supervision
    opinion's, the scan of another body's decision)."""
    storage = get_storage()
    with _checked_upload(stream, filename) as upload:
        upload.spool.seek(0)
        key = storage.stage_stream(upload.spool)
        _track_new(storage, key)
        return StagedFile(upload.name, key, upload.file_type.mimetype, upload.size, upload.sha256)


def delete_stored_file(key: str | None) -> None:
    """Remove a stored file once the deletion of its row has committed."""
    _delete_after_commit(get_storage(), key)


def remove(evidence: Evidence, *, actor) -> None:
    storage = get_storage()
    record(
        "evidence.delete",
        evidence,
        actor=actor,
        label=f"{evidence.initiative.name}: {evidence.original_name}",
        changes={"file": [evidence.original_name, None]},
        parent=evidence.initiative,
    )
    _delete_after_commit(storage, evidence.storage_key)
    _delete_after_commit(storage, evidence.thumbnail_key)
    db.session.delete(evidence)
    db.session.flush()


def set_public(evidence: Evidence, is_public: bool, *, actor) -> None:
    if evidence.is_public == is_public:
        return
    record(
        "evidence.publish" if is_public else "evidence.unpublish",
        evidence,
        actor=actor,
        label=evidence.original_name,
        changes={"is_public": [evidence.is_public, is_public]},
        parent=evidence.initiative,
    )
    evidence.is_public = is_public
    db.session.flush()
