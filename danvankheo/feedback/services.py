"""The people's voice: open a survey when a model is accepted, take answers, keep the tallies.

Every answer changes its survey's tally by a relative UPDATE (`n = n + 1`) in the same
transaction as the row it adds, so the counts never need a query over the responses and
parallel answers never lose one. A one-time code is spent by a conditional UPDATE
(`… WHERE used_at IS NULL`): of 20 parallel posts with one code, exactly one matches a row.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import contains_eager

from ..audit.services import record
from ..core.errors import DomainError
from ..core.formatting import format_number
from ..core.types import utcnow
from ..extensions import db
from ..registry.models import Initiative, Status
from ..scoring.models import Round, RoundEntry, RoundState
from ..units.models import Unit, UnitKind
from .models import RATINGS, CommentReview, ResponseState, Survey, SurveyCode, SurveyResponse, SurveyTally

COMMENT_MAX = 1000
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 8
SHEET_MAX = 500


class FeedbackError(DomainError):
    """An answer or a secretariat's step refused; the message is shown as it is."""


class SurveyClosed(FeedbackError):
    pass


# ---------------------------------------------------------------- surveys

def open_survey(initiative: Initiative) -> Survey:
    """The model's survey, created on first need (acceptance) with its two tally rows."""
    survey = db.session.scalar(select(Survey).where(Survey.initiative_id == initiative.id))
    if survey is not None:
        return survey
    # 20 characters of a 31-letter alphabet (about 99 random bits): unguessable, and typed
    # from a poster without confusing 0/O or 1/l.
    code = "".join(secrets.choice(CODE_ALPHABET.lower()) for _ in range(20))
    survey = Survey(initiative_id=initiative.id, public_code=code)
    survey.tallies = [SurveyTally(is_verified=True), SurveyTally(is_verified=False)]
    db.session.add(survey)
    db.session.flush()
    return survey


def survey_for_public_code(code: str, now: datetime | None = None) -> tuple[Survey, bool] | None:
    """The survey behind /y-kien/<code> with its model and unit, and whether it is closed, in
    one statement; only while its model is accepted: any other state answers like an unknown
    code (None), so the page never tells whether a model exists."""
    if not code or len(code) > 40:
        return None
    row = db.session.execute(
        select(Survey, closing_round_clause(Survey.initiative_id, now or utcnow()).label("closed"))
        .join(Initiative, Initiative.id == Survey.initiative_id)
        .options(contains_eager(Survey.initiative).joinedload(Initiative.unit))
        .where(Survey.public_code == code, Initiative.status == Status.ACCEPTED)
    ).first()
    return (row[0], bool(row[1])) if row is not None else None


def closing_round_clause(initiative_id, now: datetime):
    """SQL: a round that judges the model has closed its scoring (or its scoring window ended)."""
    return exists().where(
        RoundEntry.initiative_id == initiative_id,
        Round.id == RoundEntry.round_id,
        or_(Round.state.in_((RoundState.CLOSED, RoundState.FINALISED)),
            and_(Round.state == RoundState.SCORING, Round.closes_at.is_not(None), Round.closes_at < now)),
    )


def is_closed(survey: Survey, now: datetime | None = None) -> bool:
    """Open from acceptance until the round that judges the model closes its scoring."""
    return bool(db.session.scalar(select(closing_round_clause(survey.initiative_id, now or utcnow()))))


# ---------------------------------------------------------------- hashes instead of addresses

def keyed_hash(kind: str, value: str | None) -> str | None:
    """HMAC-SHA256 of an address or device cookie under a server key: equal inputs match,
    but the stored value is not the address (docs/SECURITY.md)."""
    if not value:
        return None
    key = current_app.config.get("FEEDBACK_HASH_KEY") or ("feedback:" + current_app.config["SECRET_KEY"])
    return hmac.new(key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- answers

@dataclass(frozen=True)
class Answer:
    rating: int | None
    took_part: bool | None
    residence_unit_id: int | None = None
    comment: str = ""
    code: str = ""


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def check_answer(answer: Answer) -> None:
    if answer.rating not in RATINGS:
        raise FeedbackError("Vui lòng chọn mức hài lòng từ 1 đến 5.", field="rating")
    if answer.took_part is None:
        raise FeedbackError("Vui lòng cho biết bạn có tham gia hoặc được hưởng lợi từ mô hình không.",
                            field="took_part")
    length = len(answer.comment)
    if length > COMMENT_MAX:
        raise FeedbackError(
            f"Góp ý dài {format_number(length)} ký tự, vượt quá {format_number(COMMENT_MAX)} ký tự cho phép. "
            "Vui lòng rút gọn.",
            field="comment",
        )
    if answer.residence_unit_id is not None:
        ok = db.session.scalar(select(Unit.id).where(Unit.id == answer.residence_unit_id, Unit.is_active.is_(True),
                                                     Unit.kind == UnitKind.COMMUNE))
        if ok is None:
            raise FeedbackError("Xã, phường đã chọn không có trong danh sách.", field="residence")


def _add(survey_id: int, verified: bool, response: SurveyResponse, sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) one response from its tally, relative to the stored values."""
    t = SurveyTally
    rating_col = getattr(t, f"rating_{response.rating}")
    values = {
        t.responses: t.responses + sign,
        rating_col: rating_col + sign,
        t.rating_sum: t.rating_sum + sign * response.rating,
        t.rating_sq_sum: t.rating_sq_sum + sign * response.rating * response.rating,
    }
    if response.took_part:
        values[t.took_part] = t.took_part + sign
    if response.comment_review is CommentReview.PENDING:
        values[t.comments_pending] = t.comments_pending + sign
    db.session.execute(
        update(t).where(t.survey_id == survey_id, t.is_verified == verified).values(values)
        .execution_options(synchronize_session=False)
    )


def _spend_code(survey: Survey, code: str, now: datetime) -> SurveyCode:
    typed = normalise_code(code)
    spent = db.session.execute(
        update(SurveyCode)
        .where(SurveyCode.survey_id == survey.id, SurveyCode.code == typed, SurveyCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    )
    row = db.session.scalar(select(SurveyCode).where(SurveyCode.survey_id == survey.id, SurveyCode.code == typed))
    if spent.rowcount == 1 and row is not None:
        return row
    if row is not None:
        raise FeedbackError("Mã phiếu này đã được dùng. Mỗi mã phiếu chỉ dùng được một lần; "
                            "bạn có thể gửi ý kiến không kèm mã.", field="code")
    raise FeedbackError("Mã phiếu không đúng. Vui lòng kiểm tra lại mã in trên phiếu "
                        "(8 ký tự, không có số 0 và số 1).", field="code")


def submit(survey: Survey, answer: Answer, *, device: str | None, address: str | None,
           now: datetime | None = None) -> SurveyResponse:
    """Record one answer and count it. A verified answer spends its code; an open answer from
    a device that already answered this survey replaces that earlier open answer."""
    now = now or utcnow()
    if is_closed(survey, now):
        raise SurveyClosed("Cuộc lấy ý kiến về mô hình này đã kết thúc. Cảm ơn bạn đã quan tâm.")
    comment = answer.comment.replace("\r\n", "\n").strip()
    answer = Answer(answer.rating, answer.took_part, answer.residence_unit_id, comment, answer.code.strip())
    check_answer(answer)
    code = _spend_code(survey, answer.code, now) if answer.code else None
    device_hash = keyed_hash("device", device)
    response = SurveyResponse(
        survey_id=survey.id, rating=answer.rating, took_part=answer.took_part,
        residence_unit_id=answer.residence_unit_id, comment=comment,
        comment_review=CommentReview.PENDING if comment else CommentReview.NONE,
        is_verified=code is not None, code_id=code.id if code else None,
        device_hash=device_hash, address_hash=keyed_hash("address", address), created_at=now,
    )
    if code is None and device_hash:
        earlier = db.session.scalars(
            select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.device_hash == device_hash,
                SurveyResponse.is_verified.is_(False), SurveyResponse.state == ResponseState.COUNTED,
            ).with_for_update()
        ).all()
        for old in earlier:
            _add(survey.id, False, old, -1)
            old.state = ResponseState.REPLACED
            old.replaced_at = now
    db.session.add(response)
    db.session.flush()
    _add(survey.id, response.is_verified, response, 1)
    return response


# ---------------------------------------------------------------- one-time codes

def generate_codes(survey: Survey, count: int, actor) -> list[SurveyCode]:
    """A new sheet of `count` one-time codes."""
    if not 1 <= count <= SHEET_MAX:
        raise FeedbackError(f"Số mã phiếu mỗi lần in từ 1 đến {SHEET_MAX}.", field="count")
    last = db.session.scalar(select(SurveyCode.sheet).where(SurveyCode.survey_id == survey.id)
                             .order_by(SurveyCode.sheet.desc()).limit(1)) or 0
    taken = set()
    codes = []
    while len(codes) < count:
        text = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if text in taken or db.session.scalar(select(SurveyCode.id).where(SurveyCode.code == text)):
            continue
        taken.add(text)
        codes.append(SurveyCode(survey_id=survey.id, code=text, sheet=last + 1, created_by_id=getattr(actor, "id", None)))
    db.session.add_all(codes)
    db.session.flush()
    record("survey.codes", survey.initiative, actor=actor, changes={"codes": [None, count], "sheet": [None, last + 1]})
    return codes


def sheet_codes(survey: Survey, sheet: int) -> list[SurveyCode]:
    return list(db.session.scalars(select(SurveyCode).where(SurveyCode.survey_id == survey.id,
                                                             SurveyCode.sheet == sheet).order_by(SurveyCode.id)))


# ---------------------------------------------------------------- the secretariat's review

def set_aside(response: SurveyResponse, reason: str, actor, now: datetime | None = None) -> None:
    """Stop counting a response (stuffing, off-topic...), with a reason; nothing is deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise FeedbackError("Vui lòng ghi lý do để riêng câu trả lời.", field="reason")
    if response.state is not ResponseState.COUNTED:
        raise FeedbackError("Câu trả lời này không còn được tính (đã để riêng hoặc đã được thay).")
    _add(response.survey_id, response.is_verified, response, -1)
    response.state = ResponseState.SET_ASIDE
    response.set_aside_reason = reason
    response.set_aside_at = now or utcnow()
    response.set_aside_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("survey_response.set_aside", response, actor=actor, reason=reason,
           changes={"state": [ResponseState.COUNTED.value, ResponseState.SET_ASIDE.value]},
           parent=response.survey.initiative, label=f"Ý kiến số {response.id}")


def review_comment(response: SurveyResponse, show: bool, reason: str, actor, now: datetime | None = None) -> None:
    """Show a comment to the council, or set it aside with a reason."""
    reason = (reason or "").strip()
    if response.comment_review is CommentReview.NONE:
        raise FeedbackError("Câu trả lời này không có góp ý.")
    if not show and not reason:
        raise FeedbackError("Vui lòng ghi lý do không hiển thị góp ý.", field="reason")
    before = response.comment_review
    if before is CommentReview.PENDING and response.state is ResponseState.COUNTED:
        db.session.execute(
            update(SurveyTally).where(SurveyTally.survey_id == response.survey_id,
                                      SurveyTally.is_verified == response.is_verified)
            .values(comments_pending=SurveyTally.comments_pending - 1).execution_options(synchronize_session=False)
        )
    response.comment_review = CommentReview.SHOWN if show else CommentReview.SET_ASIDE
    response.comment_reason = reason or None
    response.comment_reviewed_at = now or utcnow()
    response.comment_reviewed_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("survey_response.comment_review", response, actor=actor, reason=reason or None,
           changes={"comment_review": [before.value, response.comment_review.value]},
           parent=response.survey.initiative, label=f"Ý kiến số {response.id}")


def shown_comments(survey: Survey, limit: int = 50) -> list[SurveyResponse]:
    """Comments the secretariat has reviewed and shown: the only ones evaluators read."""
    return list(db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                     SurveyResponse.comment_review == CommentReview.SHOWN,
                                     SurveyResponse.state == ResponseState.COUNTED)
        .order_by(SurveyResponse.created_at.desc()).limit(limit)))


# ---------------------------------------------------------------- bursts

@dataclass(frozen=True)
class Burst:
    start: datetime
    end: datetime
    responses: int
    addresses: int
    response_ids: frozenset[int]


def find_bursts(responses: list[SurveyResponse]) -> list[Burst]:
    """Many answers within minutes from few addresses: for each answer, the answers of the
    next FEEDBACK_BURST_MINUTES; a window with at least FEEDBACK_BURST_RESPONSES answers from at
    most FEEDBACK_BURST_ADDRESSES addresses is a burst (overlapping windows merged)."""
    config = current_app.config
    least, window, few = (config["FEEDBACK_BURST_RESPONSES"], timedelta(minutes=config["FEEDBACK_BURST_MINUTES"]),
                          config["FEEDBACK_BURST_ADDRESSES"])
    ordered = sorted(responses, key=lambda r: r.created_at)
    bursts: list[Burst] = []
    j = 0
    for i, first in enumerate(ordered):
        j = max(j, i)
        while j + 1 < len(ordered) and ordered[j + 1].created_at - first.created_at <= window:
            j += 1
        chunk = ordered[i:j + 1]
        if len(chunk) < least:
            continue
        by_address: dict[str | None, list[SurveyResponse]] = {}
        for r in chunk:
            by_address.setdefault(r.address_hash, []).append(r)
        # The few addresses that sent most of the window's answers.
        top = sorted(by_address.values(), key=len, reverse=True)[:few]
        flagged = [r for group in top for r in group]
        if len(flagged) < least:
            continue
        ids = frozenset(r.id for r in flagged)
        if bursts and bursts[-1].response_ids & ids:
            merged = bursts[-1].response_ids | ids
            bursts[-1] = Burst(bursts[-1].start, max(bursts[-1].end, chunk[-1].created_at), len(merged),
                               max(bursts[-1].addresses, len(top)), merged)
        else:
            bursts.append(Burst(chunk[0].created_at, chunk[-1].created_at, len(ids), len(top), ids))
    return bursts


# ---------------------------------------------------------------- summaries read from the tallies

@dataclass(frozen=True)
class Side:
    """The counted answers of one kind (verified or open)."""

    responses: int
    ratings: dict[int, int]
    took_part: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    comments_pending: int

    @property
    def took_part_share(self) -> float | None:
        return self.took_part / self.responses if self.responses else None

    def rating_share(self, rating: int) -> float:
        return self.ratings[rating] / self.responses if self.responses else 0.0


def side_from_counts(n: int, ratings: dict[int, int], took_part: int, total: int, squares: int,
                     comments_pending: int = 0) -> Side:
    mean = low = high = None
    if n:
        mean = total / n
        if n >= 2:
            from scipy.stats import t  # imported on use: scipy is heavy and only this needs it

            variance = max((squares - n * mean * mean) / (n - 1), 0.0)
            half = t.ppf(0.975, n - 1) * math.sqrt(variance / n)
            low, high = max(1.0, float(mean - half)), min(5.0, float(mean + half))
    return Side(n, ratings, took_part, mean, low, high, comments_pending)


def side(tally: SurveyTally) -> Side:
    return side_from_counts(tally.responses, tally.rating_counts(), tally.took_part, tally.rating_sum,
                            tally.rating_sq_sum, tally.comments_pending)


@dataclass(frozen=True)
class Summary:
    verified: Side
    open: Side

    @property
    def responses(self) -> int:
        return self.verified.responses + self.open.responses


def summary(survey: Survey) -> Summary:
    by_kind = {t.is_verified: t for t in survey.tallies}
    return Summary(verified=side(by_kind[True]), open=side(by_kind[False]))


def survey_of(initiative: Initiative) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.initiative_id == initiative.id))
