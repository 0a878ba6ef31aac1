"""Recording and reading supervision opinions (ý kiến giám sát).

A supervisor records one opinion per model and revises it; each save is a new version,
audited and notified to the secretariat of the model's organiser. Nothing is half-written:
a refused text or file raises DomainError before any row changes, and a staged file is
discarded when the request rolls back (evidence.services keeps disk and database in step).
"""

from __future__ import annotations

from typing import BinaryIO

from flask import has_request_context, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record
from ..core.errors import DomainError, StaleError
from ..core.formatting import format_number
from ..core.types import utcnow
from ..evidence.filetypes import FileRefused
from ..evidence.services import stage_checked_file
from ..extensions import db
from ..notifications.services import notify
from ..registry import permissions as registry_permissions
from ..registry.models import Initiative
from ..registry.workflow import secretariat_users
from .models import TEXT_LIMIT, Stance, SupervisionOpinion, SupervisionOpinionVersion

SAVED_ELSEWHERE = "Ý kiến của bạn vừa được lưu ở một cửa sổ khác; vui lòng xem lại rồi sửa nếu cần."
NOT_SUPERVISED = ("Chỉ Mặt trận Tổ quốc và các đoàn thể giám sát của cơ quan tổ chức mô hình mới ghi được "
                  "ý kiến giám sát, và chỉ khi mô hình đã được tiếp nhận.")


def own_opinion(initiative: Initiative, author) -> SupervisionOpinion | None:
    return db.session.scalar(select(SupervisionOpinion).where(
        SupervisionOpinion.initiative_id == initiative.id, SupervisionOpinion.author_id == author.id))


def opinions_of(initiative_id: int) -> list[SupervisionOpinion]:
    """Every supervisor's current opinion on one model, oldest first."""
    return list(db.session.scalars(
        select(SupervisionOpinion).where(SupervisionOpinion.initiative_id == initiative_id)
        .options(joinedload(SupervisionOpinion.author), selectinload(SupervisionOpinion.versions)).order_by(SupervisionOpinion.created_at, SupervisionOpinion.id)
    ))


def opinion_counts(initiative_ids: list[int]) -> dict[int, int]:
    if not initiative_ids:
        return {}
    rows = db.session.execute(
        select(SupervisionOpinion.initiative_id, func.count()).where(
            SupervisionOpinion.initiative_id.in_(initiative_ids)).group_by(SupervisionOpinion.initiative_id))
    return dict(rows.all())


def _clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError("Vui lòng ghi nội dung ý kiến giám sát.", field="text")
    if len(text) > TEXT_LIMIT:
        raise DomainError(
            f"Nội dung ý kiến dài {format_number(len(text))} ký tự, vượt quá giới hạn "
            f"{format_number(TEXT_LIMIT)} ký tự. Vui lòng rút gọn.", field="text")
    return text


def _content(obj) -> dict:
    return {"stance": obj.stance.value if obj.stance else None, "text": obj.text, "file": obj.file_name}


def record_opinion(
    initiative: Initiative,
    author,
    *,
    stance: Stance | None,
    text: str | None,
    upload: BinaryIO | None = None,
    filename: str | None = None,
    remove_file: bool = False,
) -> SupervisionOpinion:
    """Record `author`'s opinion on `initiative`, or revise it (a new version). Raises
    DomainError (with its field) and changes nothing when refused."""
    if not registry_permissions.supervises(author, initiative):
        raise DomainError(NOT_SUPERVISED)
    if not isinstance(stance, Stance):
        raise DomainError("Vui lòng chọn mức độ đồng ý với kết quả đơn vị nêu.", field="stance")
    text = _clean_text(text)
    staged = None
    if upload is not None:
        try:
            staged = stage_checked_file(upload, filename)
        except FileRefused as error:
            raise DomainError(f"Không nhận tệp đính kèm: {error}", field="file") from error

    opinion = own_opinion(initiative, author)
    before = _content(opinion) if opinion is not None else None
    if opinion is None:
        opinion = SupervisionOpinion(
            initiative_id=initiative.id, organiser_id=initiative.unit.organiser_id, author_id=author.id,
            body_name=(author.position or author.full_name)[:255], version=0, stance=stance, text=text,
        )
        db.session.add(opinion)
    opinion.stance, opinion.text = stance, text
    if staged is not None:
        opinion.file_name, opinion.file_storage_key = staged.name, staged.storage_key
        opinion.file_type, opinion.file_size = staged.content_type, staged.size
    elif remove_file:
        # The earlier versions keep the file: only the current opinion drops it.
        opinion.file_name = opinion.file_storage_key = opinion.file_type = opinion.file_size = None
    opinion.version += 1
    opinion.updated_at = utcnow()
    opinion.versions.append(SupervisionOpinionVersion(
        version=opinion.version, stance=stance, text=text, file_name=opinion.file_name,
        file_storage_key=opinion.file_storage_key, file_type=opinion.file_type, file_size=opinion.file_size,
    ))
    try:
        db.session.flush()
    except IntegrityError as error:
        if before is not None:
            raise
        # The same person saved a first opinion in another tab a moment earlier.
        raise StaleError(SAVED_ELSEWHERE) from error

    after = _content(opinion)
    changes = {key: [before[key] if before else None, after[key]] for key in after
               if before is None or before[key] != after[key]}
    record("supervision.opinion" if before is None else "supervision.revise", opinion, actor=author,
           label=f"{initiative.name} ({initiative.unit.name}): {opinion.body_name}", changes=changes)
    _notify_secretariat(opinion, initiative, revised=before is not None)
    return opinion


def _notify_secretariat(opinion: SupervisionOpinion, initiative: Initiative, *, revised: bool) -> None:
    link = (url_for("registry.detail", initiative_id=initiative.id, _anchor="giam-sat") if has_request_context()
            else f"/mo-hinh/{initiative.id}#giam-sat")
    verb = "sửa ý kiến giám sát" if revised else "gửi ý kiến giám sát"
    notify(
        secretariat_users(opinion.organiser_id),
        kind="supervision_opinion",
        title=f"{opinion.body_name} {verb} về mô hình “{initiative.name}”",
        body=f"{opinion.stance.label}. {initiative.unit.name}.",
        link=link,
    )
