"""Ranking of the benchmark round: the app's `compute_ranking(round)` against hand-written SQL
that returns the same rows, and the cost of recomputing the round from its raw rows.

The benchmark round is the round of the benchmark year of the organiser whose secretariat
`noivu` is: in the two-level national dataset, province 1's (about 2,000 of the 70,000
models; each province runs its own round), in the province dataset the only one.
`--largest` takes the round with the most entries instead (the single 70,000-model round of
the datasets generated before issue 14).

    DATABASE_URL=postgresql+psycopg://.../dvk_bench python -m bench.ranking [--repeat 5]

The app reads each model's standing (round_entries: counts, final scores, criterion means),
which the scoring services keep equal to the scorecards as they change (danvankheo.scoring.
standings). Four timings, run alternately in one process so that a load spike hits all alike:

* **app**: `compute_ranking(round)`, every row built, ranked and handed back.
* **SQL over the same tables** (the headline ratio, app ÷ this): one hand-written statement
  over what the app reads (round_entries, initiatives, units) that picks the round's final
  score, ranks with a window function on the same tie-breaks and hands every row to Python.
  It says how much the app adds on top of the unavoidable database work.
* **SQL over the raw rows**: one hand-written statement that computes the same result from
  scorecards and scores (per-model trimmed mean / median / mean, spread, count, per-criterion
  means over the 1.7 million scores, assignment counts, rank). This is what the ranking cost
  before the standing was kept, and what any report that ignores it costs.
* **app recompute**: `standings.recompute_entries(round)`, the app's own recomputation of every
  model's standing from the raw rows (what `flask scoring check-standings`, finalisation and
  the tests use to prove the stored figures right).

And the ranking page (issue "National scale for every page": a page is one keyset query with
its ranks, <= 1.2 x its hand-written SQL and < 300 ms), timed alternately too:

* **app page**: `ranking_page.ranking_page(round, args)`, the page as the route builds it (the
  windowed keyset query with both bases' ranks, the capped count, the rows built), for the
  first page and for the page after the 1,000th row (its `sau` token).
* **SQL page**: one hand-written statement, the windows of the round's standings and kept
  adjusted scores (raw and adjusted rank, and the count of models the page shows) cut by
  position.
* **whole list page**: what the page cost before, `filter_ranking(ranking_for(round))` cut to
  its first hundred rows (still the path of the exports and of published rounds).

The plans of the page's main statement, as the app sends it and hand-written, are printed and
saved (`EXPLAIN (ANALYZE, BUFFERS)`).

All rows of the app's ranking are compared with both SQL results (rank, final score, count,
spread, criterion means), and the recomputation with the stored standing; any difference
stops the benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal

from sqlalchemy import func, select, text

from bench.common import ms, save
from bench.levels import StatementLog
from bench.levels import _plan as plan_of

SAME_TABLES_SQL = """
WITH scored AS (
    SELECT e.initiative_id, i.name, i.sort_name AS name_sort, i.field, u.id AS unit_id, u.name AS unit_name,
           u.sort_name AS unit_sort, u.kind, u.path, e.submitted_count AS n, e.assigned_count AS assigned,
           CASE :method WHEN 'mean' THEN e.score_mean WHEN 'median' THEN e.score_median
                ELSE e.score_trimmed_mean END AS final,
           e.spread, e.criterion_means AS by_criterion,
           (e.criterion_means ->> :tiebreak_code)::numeric AS tiebreak,
           e.submitted_count >= :min_cards AS complete
    FROM round_entries e
    JOIN initiatives i ON i.id = e.initiative_id
    JOIN units u ON u.id = i.unit_id
    WHERE e.round_id = :round
)
-- One sort serves the rank and the order: complete models first by the tie-break rule, then
-- the others (-1, below any score) by unit and name; a numeric first key sorts with
-- abbreviated keys. The key ends with the id, so row_number() is the rank.
SELECT *, CASE WHEN complete THEN row_number() OVER ranking END AS rnk
FROM scored
WINDOW ranking AS (ORDER BY CASE WHEN complete THEN final ELSE -1 END DESC,
                   CASE WHEN complete THEN coalesce(tiebreak, 0) END DESC, unit_sort, name_sort, initiative_id)
ORDER BY CASE WHEN complete THEN final ELSE -1 END DESC,
         CASE WHEN complete THEN coalesce(tiebreak, 0) END DESC, unit_sort, name_sort, initiative_id
"""

PAGE_SQL = """
WITH scored AS (
    SELECT e.initiative_id, i.name, i.sort_name AS name_sort, i.field, u.id AS unit_id, u.name AS unit_name,
           u.sort_name AS unit_sort, u.kind, e.submitted_count AS n, e.assigned_count AS assigned,
           CASE :method WHEN 'mean' THEN e.score_mean WHEN 'median' THEN e.score_median
                ELSE e.score_trimmed_mean END AS final,
           e.spread, e.criterion_means AS by_criterion, e.discussion_revised_count,
           (e.criterion_means ->> :tiebreak_code)::numeric AS tiebreak,
           e.submitted_count >= :min_cards AS complete,
           CASE :method WHEN 'mean' THEN a.score_mean WHEN 'median' THEN a.score_median
                ELSE a.score_trimmed_mean END AS adjusted
    FROM round_entries e
    JOIN initiatives i ON i.id = e.initiative_id
    JOIN units u ON u.id = i.unit_id
    LEFT JOIN adjusted_scores a ON a.round_id = e.round_id AND a.initiative_id = e.initiative_id
    WHERE e.round_id = :round
), ranked AS (
    SELECT *, row_number() OVER ranking AS position,
           CASE WHEN complete THEN count(*) FILTER (WHERE complete) OVER ranking END AS rnk,
           CASE WHEN complete THEN count(*) FILTER (WHERE complete) OVER adjusted_ranking END AS adjusted_rnk,
           count(*) OVER () AS matched  -- the page shows how many models the list has
    FROM scored
    WINDOW ranking AS (ORDER BY CASE WHEN complete THEN final ELSE -1 END DESC,
                       CASE WHEN complete THEN coalesce(tiebreak, 0) END DESC, unit_sort, name_sort, initiative_id),
           adjusted_ranking AS (ORDER BY CASE WHEN complete THEN coalesce(adjusted, 0) ELSE -1 END DESC,
                       CASE WHEN complete THEN coalesce(tiebreak, 0) END DESC, unit_sort, name_sort, initiative_id)
)
SELECT * FROM ranked WHERE position > :after ORDER BY position LIMIT :per_page
"""

RAW_ROWS_SQL = """
WITH cards AS (
    SELECT initiative_id, count(*) AS n, sum(total) AS s, max(total) AS mx, min(total) AS mn,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY total) AS med
    FROM scorecards
    WHERE round_id = :round AND state = 'submitted'
    GROUP BY initiative_id
), means AS (
    SELECT sc.initiative_id, s.criterion_id, round(avg(s.value), 2) AS m
    FROM scores s JOIN scorecards sc ON sc.id = s.scorecard_id
    WHERE sc.round_id = :round AND sc.state = 'submitted'
    GROUP BY sc.initiative_id, s.criterion_id
), pivot AS (
    SELECT initiative_id, jsonb_object_agg(criterion_id, m) AS by_criterion,
           max(m) FILTER (WHERE criterion_id = :tiebreaker) AS tiebreak
    FROM means GROUP BY initiative_id
), assigned AS (
    SELECT initiative_id, count(*) AS a FROM assignments
    WHERE round_id = :round AND status = 'assigned' GROUP BY initiative_id
), scored AS (
    SELECT e.initiative_id, i.name, i.sort_name AS name_sort, i.field, u.id AS unit_id, u.name AS unit_name,
           u.sort_name AS unit_sort, u.kind, u.path, coalesce(c.n, 0) AS n, c.mx - c.mn AS spread,
           p.by_criterion, p.tiebreak, coalesce(a.a, 0) AS assigned,
           round(CASE :method
                   WHEN 'mean' THEN c.s / c.n
                   WHEN 'median' THEN c.med::numeric
                   ELSE CASE WHEN c.n >= 5 THEN (c.s - c.mx - c.mn) / (c.n - 2) ELSE c.s / c.n END
                 END, 2) AS final
    FROM round_entries e
    JOIN initiatives i ON i.id = e.initiative_id
    JOIN units u ON u.id = i.unit_id
    LEFT JOIN cards c ON c.initiative_id = e.initiative_id
    LEFT JOIN pivot p ON p.initiative_id = e.initiative_id
    LEFT JOIN assigned a ON a.initiative_id = e.initiative_id
    WHERE e.round_id = :round
)
SELECT *,
       CASE WHEN n >= :min_cards THEN
            rank() OVER (PARTITION BY n >= :min_cards
                         ORDER BY final DESC, coalesce(tiebreak, 0) DESC, unit_sort, name_sort, initiative_id)
       END AS rnk
FROM scored
ORDER BY n >= :min_cards DESC, rnk, unit_sort, name_sort, initiative_id
"""


def benchmark_round(db, largest: bool = False):
    """Province 1's secretariat's round of the benchmark year; with `largest`, the round with the
    most entries, the latest on a tie."""
    from bench.common import secretariat_round
    from danvankheo.scoring.models import Round, RoundEntry

    if not largest:
        return secretariat_round(db, "noivu")
    round_id = db.session.execute(
        select(RoundEntry.round_id, func.count()).join(Round, Round.id == RoundEntry.round_id)
        .group_by(RoundEntry.round_id, Round.year).order_by(func.count().desc(), Round.year.desc())
    ).first()[0]
    return db.session.get(Round, round_id)


def _timed_alternately(functions: dict, repeat: int) -> dict[str, dict]:
    """Run each function once to warm up, then `repeat` rounds of all of them in turn."""
    for fn in functions.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, fn in functions.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: {"min": min(t), "median": statistics.median(t), "max": max(t), "runs": len(t)}
            for name, t in times.items()}


def _check(round_, app_rows, same_rows, raw_rows, recomputed, stored) -> None:
    """The app, both statements and the recomputation must agree on every model."""
    codes = {c.id: c.code for c in round_.criteria}
    assert len(app_rows) == len(same_rows) == len(raw_rows), (len(app_rows), len(same_rows), len(raw_rows))
    for a, s, r in zip(app_rows, same_rows, raw_rows, strict=True):
        assert a.initiative_id == s.initiative_id == r.initiative_id, (a.initiative_id, s, r)
        assert a.rank == s.rnk == r.rnk, (a.initiative_id, a.rank, s.rnk, r.rnk)
        assert a.total == s.final == r.final, (a.initiative_id, a.total, s.final, r.final)
        assert a.submitted_count == s.n == r.n and a.assigned_count == s.assigned == r.assigned, a.initiative_id
        assert a.spread == r.spread, (a.initiative_id, a.spread, r.spread)
        raw_means = {codes[int(k)]: Decimal(str(v)) for k, v in (r.by_criterion or {}).items()}
        assert {k: v for k, v in a.criterion_means.items() if v is not None} == raw_means, a.initiative_id
    assert recomputed == stored, "the stored standing differs from a recomputation"


def _check_pages(results: dict, deep: int) -> None:
    """The pages are the whole list's rows, and the hand-written SQL's, in place."""
    whole = results["app"]
    for rows, sql, start in ((results["page"], results["sql_page"], 0),
                             (results["deep_page"], results["sql_deep_page"], deep)):
        assert rows == whole[start:start + len(rows)], start
        assert [(r.initiative_id, r.rank, r.total, r.adjusted_total, r.adjusted_rank) for r in rows] == [
            (s.initiative_id, s.rnk, s.final, s.adjusted, s.adjusted_rnk) for s in sql], start
    assert results["whole_page"] == results["page"]


def run(database_url: str, repeat: int = 5, label: str = "national", largest: bool = False) -> dict:
    from bench.generate import make_app
    from danvankheo.extensions import db
    from danvankheo.scoring import standings
    from danvankheo.scoring.ranking import compute_ranking, ranking_for
    from danvankheo.scoring.ranking_filters import filter_ranking
    from danvankheo.scoring.ranking_page import PER_PAGE, pages_in_sql, ranking_page

    app = make_app(database_url)
    with app.app_context():
        round_ = benchmark_round(db, largest)
        organiser = round_.organiser.name
        tiebreaker = next((c for c in round_.criteria if c.is_tiebreaker), None)
        params = {"round": round_.id, "method": round_.aggregation.value, "min_cards": round_.min_scorecards,
                  "tiebreaker": tiebreaker.id if tiebreaker else 0,
                  "tiebreak_code": tiebreaker.code if tiebreaker else ""}
        counts = dict(db.session.execute(text(
            "SELECT 'entries', count(*) FROM round_entries WHERE round_id = :r UNION ALL "
            "SELECT 'scorecards', count(*) FROM scorecards WHERE round_id = :r UNION ALL "
            "SELECT 'submitted', count(*) FROM scorecards WHERE round_id = :r AND state = 'submitted' UNION ALL "
            "SELECT 'scores', count(*) FROM scores s JOIN scorecards c ON c.id = s.scorecard_id "
            "WHERE c.round_id = :r"), {"r": round_.id}).all())
        results = {}

        def app_side():
            db.session.expire_all()
            results["app"] = compute_ranking(round_)

        def same_tables():
            results["same"] = db.session.execute(text(SAME_TABLES_SQL), params).all()

        def raw_rows():
            results["raw"] = db.session.execute(text(RAW_ROWS_SQL), params).all()

        def recompute():
            results["recomputed"] = standings.recompute_entries(round_)

        deep = 1000
        deep_token = ranking_page(round_, {}, per_page=deep)[1].next_cursor

        def app_page():
            db.session.expire_all()
            results["page"] = ranking_page(round_, {})[1].items

        def app_deep_page():
            db.session.expire_all()
            results["deep_page"] = ranking_page(round_, {"sau": deep_token})[1].items

        def sql_page():
            results["sql_page"] = db.session.execute(text(PAGE_SQL), {**params, "after": 0, "per_page": PER_PAGE}).all()

        def sql_deep_page():
            results["sql_deep_page"] = db.session.execute(
                text(PAGE_SQL), {**params, "after": deep, "per_page": PER_PAGE}).all()

        def whole_list_page():
            db.session.expire_all()
            results["whole_page"] = filter_ranking(round_, ranking_for(round_), {}).rows[:PER_PAGE]

        timings = _timed_alternately(
            {"app": app_side, "same_tables_sql": same_tables, "raw_rows_sql": raw_rows, "app_recompute": recompute,
             "app_page": app_page, "sql_page": sql_page, "app_deep_page": app_deep_page,
             "sql_deep_page": sql_deep_page, "whole_list_page": whole_list_page},
            repeat,
        )
        _check(round_, results["app"], results["same"], results["raw"], results["recomputed"],
               standings.stored_entries(round_))
        _check_pages(results, deep)
        # The plans of the page's main statement as the app sends it, and of the hand-written one.
        log = StatementLog(db.engine)
        log.active = True
        ranking_page(round_, {})
        log.active = False
        main_statement = max(log.rows, key=lambda row: row[2])
        plans = {"app_page": plan_of(db, main_statement[0], main_statement[1]),
                 "sql_page": [row[0] for row in db.session.execute(
                     text("EXPLAIN (ANALYZE, BUFFERS) " + PAGE_SQL), {**params, "after": 0, "per_page": PER_PAGE})]}
        paged_in_sql = pages_in_sql(round_)
        db.session.remove()
        db.engine.dispose()
    t_app, t_same, t_raw, t_re = (timings[k] for k in ("app", "same_tables_sql", "raw_rows_sql", "app_recompute"))
    ratio = t_app["median"] / t_same["median"]
    t_page, t_sql_page, t_deep, t_sql_deep, t_whole = (timings[k] for k in (
        "app_page", "sql_page", "app_deep_page", "sql_deep_page", "whole_list_page"))
    page_ratio = t_page["median"] / t_sql_page["median"]
    deep_ratio = t_deep["median"] / t_sql_deep["median"]
    page_met = max(page_ratio, deep_ratio) <= 1.2 and max(t_page["median"], t_deep["median"]) < 0.3
    result = {
        "dataset": label, "round_id": round_.id, "round_name": round_.name, "organiser": organiser,
        "counts": counts,
        "app_seconds": t_app, "baseline_seconds": t_same, "ratio_median": ratio,
        "ratio_min": t_app["min"] / t_same["min"],
        "raw_rows_sql_seconds": t_raw, "ratio_to_raw_rows_sql": t_app["median"] / t_raw["median"],
        "recompute_seconds": t_re, "recompute_ratio_to_raw_rows_sql": t_re["median"] / t_raw["median"],
        "baseline": "hand-written SQL over the same tables (round_entries' standing, initiatives, units)",
        "target": "ratio <= 1.5 and app time < 2 s",
        "met": ratio <= 1.5 and t_app["median"] < 2.0,
        "page": {
            "paged_in_sql": paged_in_sql, "per_page": PER_PAGE, "deep_after": 1000,
            "app_seconds": t_page, "sql_seconds": t_sql_page, "ratio_median": page_ratio,
            "deep_app_seconds": t_deep, "deep_sql_seconds": t_sql_deep, "deep_ratio_median": deep_ratio,
            "whole_list_page_seconds": t_whole,
            "target": "ratio <= 1.2 and page < 300 ms", "met": page_met,
            "plans": plans,
        },
    }
    print(f"ranking [{label}] {organiser}: {counts.get('entries', 0):,} models, {counts.get('submitted', 0):,} submitted "
          f"scorecards, {counts.get('scores', 0):,} scores:\n"
          f"  app {ms(t_app['median'])} (min {ms(t_app['min'])}), SQL over the same tables "
          f"{ms(t_same['median'])} (min {ms(t_same['min'])}) -> ratio {ratio:.2f} "
          f"[target <= 1.5, < 2 s: {'met' if result['met'] else 'NOT met'}]\n"
          f"  SQL over the raw rows {ms(t_raw['median'])} (app / raw {result['ratio_to_raw_rows_sql']:.2f}); "
          f"app recompute from the raw rows {ms(t_re['median'])} "
          f"({result['recompute_ratio_to_raw_rows_sql']:.2f} x the raw SQL)\n"
          f"  ranking page ({'one keyset query' if paged_in_sql else 'whole list, cut'}): first "
          f"{ms(t_page['median'])} vs SQL {ms(t_sql_page['median'])} -> ratio {page_ratio:.2f}; after row 1,000 "
          f"{ms(t_deep['median'])} vs SQL {ms(t_sql_deep['median'])} -> ratio {deep_ratio:.2f} "
          f"[target <= 1.2, < 300 ms: {'met' if page_met else 'NOT met'}]; the whole list cut (before) "
          f"{ms(t_whole['median'])}")
    for name, plan in plans.items():
        print(f"  plan of the {'app' if name == 'app_page' else 'hand-written'} page statement:")
        print("\n".join(f"    {line}" for line in plan))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ranking", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (after one warm-up)")
    parser.add_argument("--largest", action="store_true", help="the round with the most entries, not noivu's")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    label = os.environ.get("BENCH_LABEL", "national")
    save(f"ranking-{label}" + ("-largest" if args.largest else ""),
         run(url, repeat=args.repeat, label=label, largest=args.largest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
