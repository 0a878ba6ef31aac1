"""Two levels (issue 14): a province secretariat's pages and the national observer's roll-up.

    DATABASE_URL=postgresql+psycopg://.../dvk_bench python -m bench.levels [--repeat 7]

The national dataset has a national organiser (the root, Ban Dân vận Trung ương) and 34
province organisers under it (bench/generate.py). Two sessions go through the whole app
in-process (Flask's test client, production settings, rendering included), one request at a
time:

* `noivu`, province 1's secretariat: its organiser's rounds, its round of the benchmark year
  (page, progress, ranking), the registry list, the compliance view and the dashboard of
  that year.
* `theodoi`, the national observer (observer in the national organiser, which reads every
  organiser nested below it): the roll-up of the lower levels `/tong-hop-cap-duoi?nam=`
  (one line per province organiser) when the app has that route (checked in `app.url_map`;
  the results name it missing otherwise), the dashboard, the registry list, the compliance
  view and the list of rounds it reads.

Each page is requested once to warm up, then `repeat` times, each time followed by the
trivial page of the app's layout (`/_bench/trivial`) in the same session, so that a load
spike hits both alike; the figure is the page's median ÷ the trivial page's median, and its
p95 is held against the national performance issue's targets (`P95_TARGETS`: 300 ms for a
province secretariat's pages, 500 ms for the national observer's). For each
page the SQL statements of one request are recorded (how many, their time) and the slowest
SELECT is run again under `EXPLAIN (ANALYZE, BUFFERS)`; its plan goes to the results.
A page that does not answer 200 is recorded with its status, not timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from sqlalchemy import event, func, select

from bench.common import ms, save

ROLLUP_PATH = "/tong-hop-cap-duoi"
# p95 targets (seconds) per reader: a province secretariat's pages, the national observer's.
P95_TARGETS = {"noivu": 0.3, "theodoi": 0.5}


def p95(times: list[float]) -> float:
    """The 95th percentile of `times` (inclusive method: with few runs, close to the maximum)."""
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def actors(db) -> dict:
    """The two sessions' facts: province 1's organiser and round, the national organiser, the year."""
    from bench.common import secretariat_round
    from danvankheo.organisers.models import Organiser

    round_ = secretariat_round(db, "noivu")
    national = db.session.scalar(select(Organiser).where(Organiser.is_default))
    return {"round_id": round_.id, "year": round_.year, "round_organiser_id": round_.organiser_id,
            "national_organiser_id": national.id,
            "organisers": db.session.scalar(select(func.count()).select_from(Organiser))}


def pages(facts: dict, has_rollup: bool) -> list[tuple[str, str, str]]:
    """(actor login, page label, path)."""
    year, round_id = facts["year"], facts["round_id"]
    secretariat = [
        ("noivu", "rounds of the organiser", "/dot-danh-gia/"),
        ("noivu", "its round's page", f"/dot-danh-gia/{round_id}"),
        ("noivu", "its round's progress", f"/dot-danh-gia/{round_id}/tien-do"),
        ("noivu", "its round's ranking", f"/dot-danh-gia/{round_id}/xep-hang"),
        ("noivu", "registry list of the year", f"/mo-hinh?nam={year}"),
        ("noivu", "compliance view", f"/mo-hinh/tinh-hinh-dang-ky?nam={year}"),
        ("noivu", "dashboard", f"/thong-ke?nam={year}"),
    ]
    observer = [("theodoi", "roll-up of the lower levels", f"{ROLLUP_PATH}?nam={year}")] if has_rollup else []
    observer += [
        ("theodoi", "dashboard", f"/thong-ke?nam={year}"),
        ("theodoi", "registry list of the year", f"/mo-hinh?nam={year}"),
        ("theodoi", "compliance view", f"/mo-hinh/tinh-hinh-dang-ky?nam={year}"),
        ("theodoi", "rounds it reads", "/dot-danh-gia/"),
    ]
    return secretariat + observer


class StatementLog:
    """The SQL statements the app runs while `active`: (statement, parameters, seconds)."""

    def __init__(self, engine) -> None:
        self.active = False
        self.rows: list[tuple[str, object, float]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            if self.active and not executemany:
                self.rows.append((statement, parameters, time.perf_counter() - conn.info["bench_started"]))


def _plan(db, statement: str, parameters) -> list[str]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
        conn.rollback()
    return [row[0] for row in rows]


def run(database_url: str, repeat: int = 7, label: str = "national") -> dict:
    from bench.generate import PASSWORD, make_app
    from bench.wsgi import TRIVIAL_PATH, add_trivial_route
    from danvankheo.extensions import db

    app = add_trivial_route(make_app(database_url, WTF_CSRF_ENABLED=False))
    has_rollup = any(rule.rule == ROLLUP_PATH for rule in app.url_map.iter_rules())
    with app.app_context():
        facts = actors(db)
        log = StatementLog(db.engine)
        db.session.remove()
    clients = {}
    for login in ("noivu", "theodoi"):
        clients[login] = app.test_client()
        response = clients[login].post("/dang-nhap", data={"login": login, "password": PASSWORD})
        assert response.status_code == 302, f"login as {login} failed: is the two-level dataset generated?"

    def get(login: str, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        response = clients[login].get(path)
        elapsed = time.perf_counter() - started
        return response.status_code, elapsed

    for login in clients:  # warm-up: connection pool, template compilation
        for _ in range(5):
            get(login, TRIVIAL_PATH)
    results = []
    for login, name, path in pages(facts, has_rollup):
        status, _ = get(login, path)
        entry: dict = {"actor": login, "page": name, "path": path, "status": status}
        results.append(entry)
        if status != 200:
            print(f"levels [{label}] {login} {path}: status {status}, not timed")
            continue
        page_times, trivial_times = [], []
        for _ in range(repeat):
            page_times.append(get(login, path)[1])
            trivial_times.append(get(login, TRIVIAL_PATH)[1])
        with app.app_context():
            log.rows, log.active = [], True
            get(login, path)
            log.active = False
            statements = list(log.rows)
            selects = [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
            slowest = max(selects, key=lambda s: s[2]) if selects else None
            plan = _plan(db, slowest[0], slowest[1]) if slowest else []
            db.session.remove()
        page, trivial = statistics.median(page_times), statistics.median(trivial_times)
        entry.update({
            "median_seconds": page, "min_seconds": min(page_times), "max_seconds": max(page_times),
            "p95_seconds": p95(page_times), "trivial_p95_seconds": p95(trivial_times),
            "p95_target_seconds": P95_TARGETS[login], "p95_met": p95(page_times) < P95_TARGETS[login],
            "trivial_median_seconds": trivial, "ratio_to_trivial": page / trivial, "runs": repeat,
            "statements": len(statements), "sql_seconds": sum(s[2] for s in statements),
            "slowest_statement": {"sql": slowest[0], "seconds": slowest[2]} if slowest else None,
            "slowest_plan": plan,
        })
        print(f"levels [{label}] {login:<8} {name:<28} {ms(page):>10} p95 {ms(p95(page_times))} "
              f"[< {ms(P95_TARGETS[login])}: {'met' if entry['p95_met'] else 'NOT met'}] (trivial {ms(trivial)}) "
              f"ratio {page / trivial:6.1f}; {len(statements)} statements, SQL {ms(entry['sql_seconds'])}, "
              f"slowest {ms(slowest[2]) if slowest else '-'}")
    with app.app_context():
        db.engine.dispose()
    result = {"dataset": label, **facts, "rollup_route": ROLLUP_PATH if has_rollup else None,
              "rollup_missing": not has_rollup, "repeat": repeat, "pages": results,
              "p95_met": all(entry.get("p95_met", False) for entry in results)}
    if not has_rollup:
        print(f"levels [{label}] {ROLLUP_PATH} is not a route of this version of the app: the national "
              "observer's dashboard and lists stand in for the roll-up")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.levels", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed requests of each page (after one warm-up)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    label = os.environ.get("BENCH_LABEL", "national")
    save(f"levels-{label}", run(url, repeat=args.repeat, label=label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
