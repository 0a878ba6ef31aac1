"""Ranking of the benchmark round: the app's `compute_ranking(round)` against one hand-written
SQL aggregate over the same tables that returns the same numbers.

    DATABASE_URL=postgresql+psycopg://.../dvk_bench python -m bench.ranking

The baseline is what a careful hand-written report query costs: one statement that joins
the round's entries, models and units to the scorecards' totals (trimmed mean, spread,
count), the per-criterion means over the scores and the assignment counts, ranks them with a
window function, and hands every row to Python. The ratio app / baseline says how much the
app adds on top of the unavoidable database work. Both run alternately in one process.
"""

from __future__ import annotations

import os
import sys

from sqlalchemy import func, select, text

from bench.common import interleaved, ms, save

BASELINE_SQL = """
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
           u.sort_name AS unit_sort, u.kind, c.n, c.mx - c.mn AS spread, p.by_criterion, p.tiebreak,
           coalesce(a.a, 0) AS assigned,
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
       CASE WHEN coalesce(n, 0) >= :min_cards THEN
            rank() OVER (PARTITION BY coalesce(n, 0) >= :min_cards
                         ORDER BY final DESC, coalesce(tiebreak, 0) DESC, unit_sort, name_sort, initiative_id)
       END AS rnk
FROM scored
ORDER BY coalesce(n, 0) >= :min_cards DESC, rnk, unit_sort, name_sort, initiative_id
"""


def benchmark_round(db):
    """The round with the most entries, the latest on a tie (the benchmark year's)."""
    from danvankheo.scoring.models import Round, RoundEntry

    round_id = db.session.execute(
        select(RoundEntry.round_id, func.count()).join(Round, Round.id == RoundEntry.round_id)
        .group_by(RoundEntry.round_id, Round.year).order_by(func.count().desc(), Round.year.desc())
    ).first()[0]
    return db.session.get(Round, round_id)


def run(database_url: str, repeat: int = 5, label: str = "national") -> dict:
    from bench.generate import make_app
    from danvankheo.extensions import db
    from danvankheo.scoring.ranking import compute_ranking

    app = make_app(database_url)
    with app.app_context():
        round_ = benchmark_round(db)
        tiebreaker = next((c.id for c in round_.criteria if c.is_tiebreaker), 0)
        params = {"round": round_.id, "tiebreaker": tiebreaker, "method": round_.aggregation.value,
                  "min_cards": round_.min_scorecards}
        counts = dict(db.session.execute(text(
            "SELECT 'entries', count(*) FROM round_entries WHERE round_id = :r UNION ALL "
            "SELECT 'scorecards', count(*) FROM scorecards WHERE round_id = :r UNION ALL "
            "SELECT 'scores', count(*) FROM scores s JOIN scorecards c ON c.id = s.scorecard_id "
            "WHERE c.round_id = :r"), {"r": round_.id}).all())
        results = {}

        def app_side():
            db.session.expire_all()
            results["app"] = compute_ranking(round_)

        def baseline():
            results["sql"] = db.session.execute(text(BASELINE_SQL), params).all()

        t_app, t_sql = interleaved(app_side, baseline, repeat=repeat)
        app_rows, sql_rows = results["app"], results["sql"]
        # The two must agree, or the comparison means nothing.
        assert len(app_rows) == len(sql_rows), (len(app_rows), len(sql_rows))
        for a, s in zip(app_rows[:200], sql_rows[:200], strict=True):
            assert a.initiative_id == s.initiative_id and a.rank == s.rnk, (a, s)
            assert a.total == s.final, (a.initiative_id, a.total, s.final)
        db.engine.dispose()
    ratio = t_app["median"] / t_sql["median"]
    result = {
        "dataset": label, "round_id": round_.id, "counts": counts,
        "app_seconds": t_app, "baseline_seconds": t_sql, "ratio_median": ratio,
        "ratio_min": t_app["min"] / t_sql["min"],
        "target": "ratio <= 1.5 and app time < 2 s",
        "met": ratio <= 1.5 and t_app["median"] < 2.0,
    }
    print(f"ranking [{label}] {counts.get('entries', 0):,} models, {counts.get('scorecards', 0):,} scorecards, "
          f"{counts.get('scores', 0):,} scores: app {ms(t_app['median'])} (min {ms(t_app['min'])}), "
          f"SQL aggregate {ms(t_sql['median'])} (min {ms(t_sql['min'])}) -> ratio {ratio:.2f} "
          f"[target <= 1.5, < 2 s: {'met' if result['met'] else 'NOT met'}]")
    return result


def main() -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    save(f"ranking-{os.environ.get('BENCH_LABEL', 'national')}",
         run(url, label=os.environ.get("BENCH_LABEL", "national")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
