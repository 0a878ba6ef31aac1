"""A ceiling on each panel member's load (số mô hình tối đa mỗi thành viên) for the automatic
assignment, and the plain words that say when the panel is too small for it.

Pure functions: `assignments.auto_assign` asks `shortfall_message` before planning and
`short_message` after, and refuses the whole assignment with that message rather than leave
some models half-served.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def _capacity(loads: Sequence[int], cap: int) -> int:
    return sum(max(0, cap - load) for load in loads)


def smallest_cap(loads: Sequence[int], needed: int) -> int:
    """The lowest ceiling at which the members' free places cover `needed` new assignments."""
    if not loads:
        return 0
    cap = max(1, min(loads))
    while _capacity(loads, cap) < needed:
        cap += 1
    return cap


def shortfall_message(*, needed: int, loads: Mapping[int, int], cap: int, k: int, models: int) -> str | None:
    """Why `needed` new assignments cannot fit under `cap` per member (None when they can in total)."""
    members = list(loads.values())
    capacity = _capacity(members, cap)
    if needed <= capacity:
        return None
    extra = math.ceil((needed - capacity) / cap)
    return (
        f"Hội đồng quá ít người so với mức tối đa: {len(members)} thành viên, mỗi người chấm tối đa {cap} mô hình "
        f"thì chỉ còn {capacity} lượt chấm, nhưng cần thêm {needed} lượt nữa để cả {models} mô hình "
        f"đều có đủ {k} người chấm. Chưa phân công mô hình nào. Hãy bổ sung ít nhất {extra} thành viên vào hội đồng, "
        f"hoặc nâng mức tối đa lên {smallest_cap(members, needed)} mô hình mỗi người."
    )


def short_message(*, short: int, cap: int, k: int) -> str:
    """After planning: models left without k members although the places add up (conflicts of interest)."""
    return (
        f"Không phân công đủ được: với mức tối đa {cap} mô hình mỗi người, còn {short} mô hình chưa đủ {k} "
        "người chấm, vì thành viên còn chỗ trống lại thuộc đơn vị có mô hình đó (không được chấm mô hình "
        "của đơn vị mình). Hãy nâng mức tối đa hoặc bổ sung thành viên thuộc đơn vị khác. Chưa phân công "
        "mô hình nào."
    )
