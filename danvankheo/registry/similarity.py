"""Recycled models and reused evidence (mô hình “đăng ký lại”, minh chứng dùng lại).

The directives complain that the same model is re-registered every year. On submission and
on acceptance (`workflow.transition` calls `detect`), a model is compared with the earlier
years' models of its own unit and with every other unit's models (drafts left out):

* **by name and content**: similarity of the names and of the content (situation, method,
  quantitative results); the score is 0.4 × name + 0.6 × content, flagged from `THRESHOLD`.
  PostgreSQL computes it with pg_trgm's `similarity` (trigrams, in the database); SQLite
  with rapidfuzz's `ratio` on case-folded text. The two measures are close, not equal: the
  threshold is a prompt for a person, not a verdict.
* **by evidence**: an evidence file whose SHA-256 already belongs to another model, of any
  unit or year.

A model marked as continuing (tiếp nối) or replicating (nhân rộng) the other one is not
flagged by text: saying so is the honest way to build on an earlier model. Evidence is
flagged whatever the link, since one result should not count twice.

Each flag waits for the secretariat's decision (recycled or distinct) with a reason, audited.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from rapidfuzz import fuzz
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.services import record
from ..auth.models import User
from ..core.errors import DomainError
from ..core.labels import LabelledEnum
from ..core.types import UTCDateTime, enum_column, utcnow
from ..evidence.models import Evidence
from ..extensions import db
from .models import Initiative, Status

THRESHOLD = Decimal("0.70")
NAME_WEIGHT = Decimal("0.4")
CONTENT_WEIGHT = Decimal("0.6")
MIN_REASON = 5


class SimilarityKind(LabelledEnum):
    TEXT = "Tên và nội dung gần giống"
    EVIDENCE = "Minh chứng trùng tệp"


class SimilarityDecision(LabelledEnum):
    RECYCLED = "Trùng lặp: mô hình cũ đăng ký lại hoặc minh chứng dùng lại"
    DISTINCT = "Không trùng lặp: mô hình mới, có kết quả riêng"


class SimilarityError(DomainError):
    """A refused decision; the message is shown to the user."""


class SimilarityFlag(db.Model):
    """A warning that a model resembles another one, and the secretariat's decision on it."""

    __tablename__ = "similarity_flags"
    __table_args__ = (
        UniqueConstraint("initiative_id", "other_id", "kind"),
        CheckConstraint("initiative_id <> other_id", name="not_itself"),
        CheckConstraint("decision IS NULL OR (reason IS NOT NULL AND reason <> '' AND decided_at IS NOT NULL)",
                        name="decision_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SimilarityKind] = mapped_column(enum_column(SimilarityKind, "similarity_kind"))
    score: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))  # text: 0..1
    sha256: Mapped[str | None] = mapped_column(String(64))  # evidence: the shared file
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decision: Mapped[SimilarityDecision | None] = mapped_column(
        enum_column(SimilarityDecision, "similarity_decision"))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    initiative: Mapped[Initiative] = relationship(foreign_keys=[initiative_id])
    other: Mapped[Initiative] = relationship(foreign_keys=[other_id])
    decided_by: Mapped[User | None] = relationship()


def _content(situation: str | None, method: str | None, results: str | None) -> str:
    return " ".join(part for part in (situation, method, results) if part)


def _candidates(initiative: Initiative):
    """Earlier years' models of the same unit, and other units' models; no drafts, not itself."""
    return and_(
        Initiative.id != initiative.id,
        Initiative.status != Status.DRAFT,
        or_(and_(Initiative.unit_id == initiative.unit_id, Initiative.year < initiative.year),
            Initiative.unit_id != initiative.unit_id),
    )


def text_matches(initiative: Initiative) -> dict[int, Decimal]:
    """{other model: score} at or above the threshold."""
    name = initiative.name
    content = _content(initiative.situation, initiative.content_method, initiative.results_quantitative)
    if db.session.get_bind().dialect.name == "postgresql":
        other_content = func.concat_ws(" ", Initiative.situation, Initiative.content_method,
                                       Initiative.results_quantitative)
        score = (literal(float(NAME_WEIGHT)) * func.similarity(Initiative.name, name)
                 + literal(float(CONTENT_WEIGHT)) * func.similarity(other_content, content))
        rows = db.session.execute(
            select(Initiative.id, score).where(_candidates(initiative), score >= float(THRESHOLD))
        )
        return {other: Decimal(str(round(value, 3))) for other, value in rows}
    found: dict[int, Decimal] = {}
    rows = db.session.execute(
        select(Initiative.id, Initiative.name, Initiative.situation, Initiative.content_method,
               Initiative.results_quantitative).where(_candidates(initiative))
    )
    for other, other_name, situation, method, results in rows:
        name_score = Decimal(str(fuzz.ratio(name.casefold(), other_name.casefold()) / 100))
        content_score = Decimal(str(fuzz.ratio(content.casefold(), _content(situation, method, results).casefold())
                                    / 100))
        value = NAME_WEIGHT * name_score + CONTENT_WEIGHT * content_score
        if value >= THRESHOLD:
            found[other] = value.quantize(Decimal("0.001"))
    return found


def evidence_matches(initiative: Initiative) -> dict[int, str]:
    """{other model: SHA-256 of a file both have} for any unit or year."""
    mine = select(Evidence.sha256).where(Evidence.initiative_id == initiative.id)
    return dict(db.session.execute(
        select(Evidence.initiative_id, func.min(Evidence.sha256))
        .where(Evidence.sha256.in_(mine), Evidence.initiative_id != initiative.id)
        .group_by(Evidence.initiative_id)
    ).all())


def detect(initiative: Initiative) -> list[SimilarityFlag]:
    """Add the flags not raised before (decided ones stay as they are). Flushes."""
    linked = {initiative.continues_id, initiative.replicates_id} - {None}
    known = {(other, kind) for other, kind in db.session.execute(
        select(SimilarityFlag.other_id, SimilarityFlag.kind).where(SimilarityFlag.initiative_id == initiative.id))}
    new: list[SimilarityFlag] = []
    for other, score in text_matches(initiative).items():
        if other not in linked and (other, SimilarityKind.TEXT) not in known:
            new.append(SimilarityFlag(initiative_id=initiative.id, other_id=other, kind=SimilarityKind.TEXT,
                                      score=score))
    for other, sha in evidence_matches(initiative).items():
        if (other, SimilarityKind.EVIDENCE) not in known:
            new.append(SimilarityFlag(initiative_id=initiative.id, other_id=other, kind=SimilarityKind.EVIDENCE,
                                      sha256=sha))
    db.session.add_all(new)
    db.session.flush()
    return new


def flags_of(initiative: Initiative) -> list[SimilarityFlag]:
    return list(db.session.scalars(
        select(SimilarityFlag).where(SimilarityFlag.initiative_id == initiative.id)
        .order_by(SimilarityFlag.decision.is_not(None), SimilarityFlag.id)
    ))


def decide(flag: SimilarityFlag, decision: SimilarityDecision, reason: str, *, by: User) -> None:
    """The secretariat's decision on a warning, with its reason; audited. Flushes."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise SimilarityError("Vui lòng ghi rõ lý do của quyết định (ít nhất 5 ký tự).")
    before = flag.decision.value if flag.decision else None
    flag.decision = decision
    flag.reason = reason[:2000]
    flag.decided_by_id = by.id
    flag.decided_at = utcnow()
    other = db.session.get(Initiative, flag.other_id)
    record("initiative.similarity_decision", flag.initiative, actor=by, reason=flag.reason,
           changes={"similarity_decision": [before, decision.value],
                    "similar_to": [None, f"{other.name} ({other.unit.name}, {other.year})" if other else None]})
    db.session.flush()
