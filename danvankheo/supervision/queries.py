"""The supervision opinions of many models at once, in a few words for printed papers (the
ranking export's people's voice appendix, the báo cáo thành tích)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import func, select

from ..core.formatting import format_number
from ..extensions import db
from .models import Stance, SupervisionOpinion

SHORT = {Stance.AGREE: "đồng ý", Stance.PARTLY: "đồng ý một phần", Stance.DISAGREE: "không đồng ý"}


def stances_for(initiative_ids: Iterable[int]) -> dict[int, Counter]:
    """{model: Counter of its current opinions' stances} (one query)."""
    ids = sorted(set(initiative_ids))
    found: dict[int, Counter] = {}
    if not ids:
        return found
    for initiative_id, stance, n in db.session.execute(
        select(SupervisionOpinion.initiative_id, SupervisionOpinion.stance, func.count())
        .where(SupervisionOpinion.initiative_id.in_(ids))
        .group_by(SupervisionOpinion.initiative_id, SupervisionOpinion.stance)
    ):
        found.setdefault(initiative_id, Counter())[stance] = n
    return found


def stances_text(stances: Counter | None) -> str:
    """"1 đồng ý, 1 đồng ý một phần"; empty when there is no opinion."""
    if not stances:
        return ""
    return ", ".join(f"{format_number(stances[s])} {SHORT[s]}" for s in Stance if stances.get(s))
