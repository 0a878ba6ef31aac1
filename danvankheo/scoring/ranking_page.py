"""One page of a round's ranking, paged by key (core/paging.py), ranks and all, in one query.

The live ranking of a raw-score round is a window over the round's standings: each model's
place in `ranking.ranking_order` (`position`) and its rank, the count of complete models up to
it. The filters and the chosen sort apply outside the window, so a filtered page keeps the
ranks of the whole round, and the page is the `per_page` rows after the last one shown. Every
sort ends with `position`, which keeps the whole ranking's order among equal values exactly as
the list's stable sort does (`ranking_filters.SORTS`), in either direction.

Each model's adjusted score is read from the round's kept figures (`round_statistics`) in the
same query, and its adjusted rank is a second window over them, in the same order with the
adjusted score in place of the raw one.

A round ranked by the adjusted score ranks, orders and grades by that window instead. A round
whose figures over all its totals are not kept yet, and a published round (its frozen
snapshot), are read whole, filtered and sorted by
`ranking_filters.filter_ranking`, and cut here by the same tokens (the row's model id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import Subquery, and_, case, false, func, literal, select

from ..core.paging import KeysetPage, SortKey, decode_cursor, encode_cursor, keyset_page
from ..core.text import search_terms
from ..registry.models import Field, Initiative
from ..units.models import Unit, UnitKind
from . import adjustment, round_statistics
from .models import AdjustedScore, AggregationMethod, Grade, RankingBasis, Round, RoundEntry, RoundState
from .ranking import (
    SCORE_COLUMNS,
    RankingRow,
    entries_select,
    entry_columns,
    ranking_for,
    ranking_order,
    row_builder,
)
from .ranking_filters import RankingView, filter_ranking, read_filters

PER_PAGE = 100


ADJUSTED_COLUMNS = {
    AggregationMethod.MEAN: AdjustedScore.score_mean,
    AggregationMethod.MEDIAN: AdjustedScore.score_median,
    AggregationMethod.TRIMMED_MEAN: AdjustedScore.score_trimmed_mean,
}


def _by_adjusted(round_: Round) -> bool:
    return adjustment.basis_of(round_) is RankingBasis.ADJUSTED


def _shown_score(round_: Round):
    """The score a row shows: the round's basis for a complete model; an incomplete one keeps
    its raw score (as `adjustment.apply` leaves it)."""
    score = SCORE_COLUMNS[round_.aggregation]
    if not _by_adjusted(round_):
        return score
    return case((RoundEntry.submitted_count >= round_.min_scorecards, ADJUSTED_COLUMNS[round_.aggregation]),
                else_=score)


def _filtered_columns(round_: Round, view: RankingView | None) -> list:
    """The columns `_where` reads besides the standing's own: whether the model is complete
    (`incomplete`), its grade on the round's basis, and, only when `view` filters by them, its
    unit's path and its search text (long texts that every sort of the query would otherwise
    carry)."""
    complete = RoundEntry.submitted_count >= round_.min_scorecards
    score = _shown_score(round_)
    thresholds = round_.grade_thresholds()
    grade = case(
        (and_(complete, score >= thresholds["excellent"]), literal(Grade.EXCELLENT.value)),
        (and_(complete, score >= thresholds["good"]), literal(Grade.GOOD.value)),
        (and_(complete, score >= thresholds["fair"]), literal(Grade.FAIR.value)),
        (and_(complete, score.is_not(None)), literal(Grade.FAIL.value)),
    )
    return [
        # The list's sort keys without NULLs (a key must have none): a flag, then the value.
        case((complete, 0), else_=1).label("incomplete"),
        grade.label("grade"),
        *([Unit.path.label("unit_path")] if view is not None and view.scope is not None else []),
        *([Initiative.search_text.label("search_text")] if view is not None and search_terms(view.q) else []),
    ]


def ranked_entries(round_: Round, view: RankingView | None = None) -> Subquery:
    """The round's standings with their `position` in the ranking and `rank` on the round's
    basis (NULL for the incomplete), their raw and adjusted ranks and adjusted score, plus the
    columns the filters and sorts read, as a subquery. Each row also carries `matched`, how
    many of the round's models pass the filters of `view` (a window over the whole round,
    computed in the same pass as the ranks, so that the page needs no second query to count)."""
    complete = RoundEntry.submitted_count >= round_.min_scorecards
    score = _shown_score(round_)
    adjusted = ADJUSTED_COLUMNS[round_.aggregation]
    raw_order, adjusted_order = ranking_order(round_), ranking_order(round_, adjusted)
    raw_running = func.count().filter(complete).over(order_by=raw_order, rows=(None, 0))
    adjusted_running = func.count().filter(complete).over(order_by=adjusted_order, rows=(None, 0))
    order, running = (adjusted_order, adjusted_running) if _by_adjusted(round_) else (raw_order, raw_running)
    columns = [*entry_columns(round_), *_filtered_columns(round_, view)]
    # The filters on the columns' own expressions, for the window that counts the matches.
    plain = SimpleNamespace(c=SimpleNamespace(**{column.name: column.element for column in columns}))
    matches = _where(round_, plain, view) if view is not None else []
    return entries_select(
        round_,
        *columns,
        func.row_number().over(order_by=order).label("position"),
        case((complete, running)).label("rank"),
        case((complete, raw_running)).label("raw_rank"),
        adjusted.label("adjusted_total"),
        case((complete, adjusted_running)).label("adjusted_rank"),
        case((complete, running), else_=0).label("rank_or_zero"),
        case((score.is_(None), 1), else_=0).label("total_missing"),
        func.coalesce(score, 0).label("total_or_zero"),
        case((RoundEntry.spread.is_(None), 1), else_=0).label("spread_missing"),
        func.coalesce(RoundEntry.spread, 0).label("spread_or_zero"),
        (func.count().filter(and_(*matches)) if matches else func.count()).over().label("matched"),
    ).outerjoin(AdjustedScore, and_(AdjustedScore.round_id == RoundEntry.round_id,
                                    AdjustedScore.initiative_id == RoundEntry.initiative_id)).subquery("ranked")


# For each sort of `ranking_filters.SORTS`: its columns of `ranked_entries` and whether each
# runs downwards, before the final `position`.
SORT_COLUMNS: dict[str, tuple[tuple[str, bool], ...]] = {
    "hang": (("incomplete", False), ("rank_or_zero", False), ("unit_sort", False), ("name_sort", False)),
    "diem": (("total_missing", False), ("total_or_zero", True), ("unit_sort", False)),
    "ten": (("name_sort", False), ("unit_sort", False)),
    "don-vi": (("unit_sort", False), ("name_sort", False)),
    "chenh-lech": (("spread_missing", False), ("spread_or_zero", True)),
}


# The Python type of each key column's values: a token whose values do not fit (a hand-edited
# link, or one made under another sort) starts the list from its first page, not an error.
KEY_TYPES: dict[str, type | tuple[type, ...]] = {
    "incomplete": int, "rank_or_zero": int, "total_missing": int, "spread_missing": int, "position": int,
    "total_or_zero": (Decimal, int), "spread_or_zero": (Decimal, int), "unit_sort": str, "name_sort": str,
}


def _fitting(token: str | None, keys: Sequence[SortKey]) -> str | None:
    values = decode_cursor(token, len(keys))
    if values is None or not all(isinstance(v, KEY_TYPES[k.name]) for k, v in zip(keys, values, strict=True)):
        return None
    return token


def _sort_keys(ranked, view: RankingView) -> list[SortKey]:
    # `reverse=True` in Python reverses the comparisons but keeps equal rows in their order.
    columns = SORT_COLUMNS.get(view.sort, SORT_COLUMNS["hang"])
    keys = [SortKey(ranked.c[name], descending != view.descending) for name, descending in columns]
    return [*keys, SortKey(ranked.c.position)]


def _where(round_: Round, ranked, view: RankingView) -> list:
    """`filter_ranking`'s filters on the columns of `ranked_entries`."""
    clauses = []
    if view.field:
        clauses.append(ranked.c.field == Field(view.field))
    if view.kind:
        clauses.append(ranked.c.unit_kind == UnitKind(view.kind))
    if view.scope is not None:
        clauses.append(ranked.c.unit_path.startswith(view.scope.path))
    if view.unit_ids is not None:
        clauses.append(ranked.c.unit_id.in_(sorted(view.unit_ids)) if view.unit_ids else false())
    if view.grade:
        clauses.append(ranked.c.grade == view.grade)
    if view.status == "chua-du":
        clauses.append(ranked.c.incomplete == 1)
    elif view.status == "chenh-lech":  # aggregation.is_wide_spread
        clauses.append(and_(ranked.c.spread.is_not(None), ranked.c.submitted_count >= 2,
                            ranked.c.spread > round_.disagreement_threshold))
    clauses.extend(ranked.c.search_text.contains(word) for word in search_terms(view.q))
    return clauses


def pages_in_sql(round_: Round) -> bool:
    """Whether the round's ranking page is one query: live, with its adjusted scores kept."""
    return round_.state is not RoundState.FINALISED and round_statistics.is_kept(round_)


def ranking_page(
    round_: Round, args: Mapping[str, str], *, per_page: int | None = None,
) -> tuple[RankingView, KeysetPage]:
    """The filters of `args` as read, and the page of the round's ranking they and the tokens
    `sau`/`truoc` of `args` ask for; its items are RankingRows with both bases filled."""
    per_page = per_page or PER_PAGE
    after, before = args.get("sau"), args.get("truoc")
    if not pages_in_sql(round_):
        view = filter_ranking(round_, ranking_for(round_), args)
        return view, page_of_rows(view.rows, per_page=per_page, after=after, before=before)
    view = read_filters(round_, args)
    ranked = ranked_entries(round_, view)
    statement = select(*(c for c in ranked.c if c.key not in ("unit_path", "search_text"))).where(
        *_where(round_, ranked, view))
    keys = _sort_keys(ranked, view)
    page = keyset_page(statement, keys, per_page=per_page, after=_fitting(after, keys),
                       before=_fitting(before, keys), scalars=False, total_column="matched")
    build = row_builder(round_)
    thresholds = round_.grade_thresholds()
    by_adjusted = _by_adjusted(round_)
    entries, page.items = page.items, []
    for entry in entries:  # as `adjustment.apply` fills the whole list's rows
        row = build(entry, entry.raw_rank)
        adjustment.fill_bases(row, entry.adjusted_total, thresholds)
        row.adjusted_rank = entry.adjusted_rank
        if by_adjusted and row.complete:
            row.total, row.rank, row.grade = row.adjusted_total, row.adjusted_rank, row.adjusted_grade
        page.items.append(row)
    return view, page


def page_of_rows(rows: list[RankingRow], *, per_page: int, after: str | None = None,
                 before: str | None = None) -> KeysetPage:
    """A page of a ranking read whole, by the same tokens as the query's: the model id of the
    row the page follows or precedes (a token naming no row starts from the first page)."""
    index = {row.initiative_id: n for n, row in enumerate(rows)}
    after_key, before_key = decode_cursor(after, 1), decode_cursor(before, 1)
    if before_key is not None and before_key[0] in index:
        end = index[before_key[0]]
        start = max(0, end - per_page)
    else:
        start = index[after_key[0]] + 1 if after_key is not None and after_key[0] in index else 0
        end = start + per_page
    items = rows[start:end]
    return KeysetPage(
        items=items,
        per_page=per_page,
        has_next=bool(items) and end < len(rows),
        has_prev=bool(items) and start > 0,
        next_cursor=encode_cursor([items[-1].initiative_id]) if items else None,
        prev_cursor=encode_cursor([items[0].initiative_id]) if items else None,
        total=len(rows),
        total_is_lower_bound=False,
    )
