"""One achievement, one award (Công văn 5007/BNV-TĐKT): proposing a model that was already
awarded (the same model, or the model it continues) asks for a reason, with the earlier award.

The software cannot tell whether a continued model brought new results; the secretariat can,
and writes why it proposes again. The reason is kept in the audit trail of the proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..registry.models import Initiative
from .errors import RepeatedAwardError
from .models import Proposal, ProposalLine, ProposalState

MIN_REASON = 5


@dataclass(frozen=True)
class EarlierAward:
    initiative_id: int  # the model being proposed
    line: ProposalLine | None  # the award already granted in the app (to it, or to the model it continues)
    # What the message and the page print; filled from `line` for the app's own awards, from the
    # source for awards of other bodies (see `OUTSIDE_SOURCES`).
    achievement: str = ""
    recipient: str = ""
    form_name: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    issuing_body: str = ""

    @classmethod
    def of_line(cls, initiative_id: int, line: ProposalLine) -> EarlierAward:
        return cls(initiative_id, line, line.initiative_name, line.recipient_name, line.award_form.name,
                   line.proposal.decision_number or "", line.proposal.decision_date)


# Other features add awards the app did not grant (the register's awards of other bodies): each
# function takes the ids of the models concerned (those proposed and those they continue) and
# returns the awards given for them, `initiative_id` naming the model the award was given for.
OUTSIDE_SOURCES: list[Callable[[Iterable[int]], list[EarlierAward]]] = []


def earlier_awards(initiative_ids: Sequence[int]) -> list[EarlierAward]:
    """Granted, not revoked awards of the models or of the models they continue."""
    if not initiative_ids:
        return []
    continues = dict(db.session.execute(
        select(Initiative.id, Initiative.continues_id).where(Initiative.id.in_(list(initiative_ids)))).all())
    sources: dict[int, set[int]] = {}
    for model, previous in continues.items():
        for source in {model, previous} - {None}:
            sources.setdefault(source, set()).add(model)
    lines = db.session.scalars(
        select(ProposalLine)
        .join(Proposal, ProposalLine.proposal_id == Proposal.id)
        .where(Proposal.state == ProposalState.APPROVED, ProposalLine.initiative_id.in_(list(sources)))
        .options(selectinload(ProposalLine.proposal), selectinload(ProposalLine.award_form),
                 selectinload(ProposalLine.revocation))
        .order_by(ProposalLine.id)
    )
    found = [EarlierAward.of_line(model, line) for line in lines if not line.is_revoked
             for model in sorted(sources[line.initiative_id])]
    for source in OUTSIDE_SOURCES:
        found += [replace(award, initiative_id=model) for award in source(list(sources))
                  for model in sorted(sources.get(award.initiative_id, ()))]
    return found


def check(initiative_ids: Sequence[int], reason: str | None) -> str | None:
    """The reason to record, or `RepeatedAwardError` when an earlier award exists and none is given."""
    earlier = earlier_awards(initiative_ids)
    if not earlier:
        return None
    reason = (reason or "").strip()
    if len(reason) >= MIN_REASON:
        return reason[:2000]
    names = "; ".join(sorted({f"“{e.achievement}” ({e.form_name}, Quyết định số {e.decision_number}"
                              + (f" của {e.issuing_body}" if e.issuing_body else "") + ")" for e in earlier}))
    raise RepeatedAwardError(
        "Một thành tích chỉ được đề nghị khen thưởng một lần (Công văn 5007/BNV-TĐKT). Đã được khen: "
        f"{names}. Nếu mô hình có kết quả mới, ghi lý do đề nghị lại rồi bấm lại để xác nhận.",
        earlier,
    )
