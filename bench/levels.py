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

What the app made while loading is first frozen out of the garbage collector, as the
server's workers do (deploy/gunicorn.conf.py). Each page is requested once to warm up, then
`repeat` times, each time followed by the trivial page of the app's layout
(`/_bench/trivial`) in the same session, so that a load spike hits both alike; the figure is the page's median ÷ the trivial page's median, and its
p95 is held against the national performance issue's targets (`P95_TARGETS`: 300 ms for a
province secretariat's pages, 500 ms for the national observer's). For each
page the SQL statements of one request are recorded (how many, their time) and the slowest
SELECT is run again under `EXPLAIN (ANALYZE, BUFFERS)`; its plan goes to the results.
A page that does not answer 200 is recorded with its status, not timed.

`--all-pages` times every GET page of the app instead (`all_pages`), as both readers: each
rule of `app.url_map` that answers GET, but the static files and `/_bench/*`; exports and
downloads are included and their content type recorded. URL parameters are filled with ids
of the dataset that belong to province 1 (`rule_ids`): its round of the benchmark year, a
model of that round with evidence, a scorecard, its unit, a user, the reader's guide...; a
rule whose parameters cannot be filled (no such row in the dataset) is listed as not filled,
with the reason. A page answering other than 200 is recorded with its status, not timed; a
page whose first request takes more than `SLOW_SECONDS` is timed 3 times only, one over a
second `SLOW_REPEAT` times. Results: `levels-all-pages-<label>.json`, and a table sorted by
p95, every page over its reader's target marked. GETs that write: a model's feedback page
opens its survey on first use, and an export past the job threshold queues a job (the
queue is a scratch SQLite file, no worker runs it).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select, text

from bench.common import ms, save

ROLLUP_PATH = "/tong-hop-cap-duoi"
# p95 targets (seconds) per reader: a province secretariat's pages, the national observer's.
P95_TARGETS = {"noivu": 0.3, "theodoi": 0.5}
# --all-pages: a page whose first request takes longer is timed SLOW_REPEAT (or 3) times only.
SLOW_SECONDS = 5.0
SLOWISH_SECONDS, SLOW_REPEAT = 1.0, 5
# The guide each reader opens (/huong-dan/<slug>).
GUIDE_SLUGS = {"noivu": "thuong-truc", "theodoi": "theo-doi"}


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


def measure(app, db, log: StatementLog, get, login: str, path: str, repeat: int, label: str,
            slow_repeat: bool = False) -> dict:
    """One page as `login`: its status; if 200, `repeat` timed requests each followed by the
    trivial page, and the statements of one more request with the slowest one's plan.
    `slow_repeat`: fewer runs for a page whose first request is slow (SLOW_SECONDS)."""
    from bench.wsgi import TRIVIAL_PATH

    status, first, content_type = get(login, path)
    entry: dict = {"actor": login, "path": path, "status": status, "content_type": content_type,
                   "first_seconds": first}
    if status != 200:
        print(f"levels [{label}] {login} {path}: status {status}, not timed")
        return entry
    if slow_repeat and first > SLOW_SECONDS:
        repeat = min(repeat, 3)
        entry["slow"] = f"first request {ms(first)} > {ms(SLOW_SECONDS)}: timed {repeat} times only"
    elif slow_repeat and first > SLOWISH_SECONDS:
        repeat = min(repeat, SLOW_REPEAT)
        entry["slow"] = f"first request {ms(first)} > {ms(SLOWISH_SECONDS)}: timed {repeat} times only"
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
    print(f"levels [{label}] {login:<8} {path:<50} {ms(page):>10} p95 {ms(p95(page_times))} "
          f"[< {ms(P95_TARGETS[login])}: {'met' if entry['p95_met'] else 'NOT met'}] (trivial {ms(trivial)}) "
          f"ratio {page / trivial:6.1f}; {len(statements)} statements, SQL {ms(entry['sql_seconds'])}, "
          f"slowest {ms(slowest[2]) if slowest else '-'}")
    return entry


def _sessions(app) -> tuple[dict, object]:
    """A logged-in test client per reader, and `get(login, path)` -> (status, seconds, content type)."""
    from bench.generate import PASSWORD

    clients = {}
    for login in ("noivu", "theodoi"):
        clients[login] = app.test_client()
        response = clients[login].post("/dang-nhap", data={"login": login, "password": PASSWORD})
        assert response.status_code == 302, f"login as {login} failed: is the two-level dataset generated?"
    # What the app made while loading is frozen out of the collector, as the server's workers
    # do once they have loaded it (deploy/gunicorn.conf.py).
    gc.collect()
    gc.freeze()

    def get(login: str, path: str) -> tuple[int, float, str]:
        started = time.perf_counter()
        response = clients[login].get(path)
        response.get_data()  # a streamed download is timed to its last byte
        elapsed = time.perf_counter() - started
        response.close()
        return response.status_code, elapsed, response.content_type

    return clients, get


def run(database_url: str, repeat: int = 7, label: str = "national") -> dict:
    from bench.generate import make_app
    from bench.wsgi import TRIVIAL_PATH, add_trivial_route
    from danvankheo.extensions import db

    app = add_trivial_route(make_app(database_url, WTF_CSRF_ENABLED=False))
    has_rollup = any(rule.rule == ROLLUP_PATH for rule in app.url_map.iter_rules())
    with app.app_context():
        facts = actors(db)
        log = StatementLog(db.engine)
        db.session.remove()
    clients, get = _sessions(app)
    for login in clients:  # warm-up: connection pool, template compilation
        for _ in range(5):
            get(login, TRIVIAL_PATH)
    results = []
    for login, name, path in pages(facts, has_rollup):
        entry = measure(app, db, log, get, login, path, repeat, label)
        results.append({"actor": login, "page": name, **entry})
    with app.app_context():
        db.engine.dispose()
    result = {"dataset": label, **facts, "rollup_route": ROLLUP_PATH if has_rollup else None,
              "rollup_missing": not has_rollup, "repeat": repeat, "pages": results,
              "p95_met": all(entry.get("p95_met", False) for entry in results)}
    if not has_rollup:
        print(f"levels [{label}] {ROLLUP_PATH} is not a route of this version of the app: the national "
              "observer's dashboard and lists stand in for the roll-up")
    return result


# ---------------------------------------------------------------------------------------------
# --all-pages

STATIC_PREFIXES = ("/_bench/",)


def page_rules(app) -> list:
    """The app's GET rules but static files and the benchmarks' own pages, in path order."""
    rules = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not (rule.endpoint == "static" or rule.endpoint.endswith(".static"))
             and not rule.rule.startswith(STATIC_PREFIXES)]
    return sorted(rules, key=lambda rule: rule.rule)


def _first(db, sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def rule_ids(db, facts: dict, login: str) -> dict[str, tuple[object, str]]:
    """URL parameter name -> (value or None, where it comes from / why there is none), read
    from the dataset: rows of province 1 (its organiser's round of the benchmark year), which
    the national observer reads too. Called before each rule, so that a row a page made on
    its first GET (a model's survey) fills the rules after it."""
    from danvankheo.feedback import posters
    from danvankheo.help.guides import SCREENSHOT_DIR

    round_id, organiser_id = facts["round_id"], facts["round_organiser_id"]
    # A model of the round (accepted in the benchmark year), one with a thumbnail if any.
    initiative_id = _first(db, """
        SELECT re.initiative_id FROM round_entries re
        JOIN evidence_files e ON e.initiative_id = re.initiative_id AND e.thumbnail_key IS NOT NULL
        WHERE re.round_id = :r ORDER BY re.initiative_id LIMIT 1""", r=round_id) or _first(
        db, "SELECT min(initiative_id) FROM round_entries WHERE round_id = :r", r=round_id)
    unit_id = _first(db, "SELECT unit_id FROM initiatives WHERE id = :i", i=initiative_id)
    survey = db.session.execute(text("SELECT id, public_code FROM surveys WHERE initiative_id = :i"),
                                {"i": initiative_id}).first()
    proposal_id = _first(db, """SELECT p.id FROM proposals p JOIN rounds r ON r.id = p.round_id
                                WHERE r.organiser_id = :o ORDER BY p.id LIMIT 1""", o=organiser_id)
    line_id = _first(db, "SELECT min(id) FROM proposal_lines WHERE proposal_id = :p", p=proposal_id)
    none = "no such row in the dataset"
    values = {
        "round_id": (round_id, "province 1's round of the benchmark year"),
        "initiative_id": (initiative_id, "a model of that round (with a thumbnail)"),
        "card_id": (_first(db, "SELECT min(id) FROM scorecards WHERE round_id = :r AND initiative_id = :i",
                           r=round_id, i=initiative_id), "a scorecard of that model"),
        "evidence_id": (_first(db, """SELECT id FROM evidence_files WHERE initiative_id = :i
                                      ORDER BY thumbnail_key IS NULL, id LIMIT 1""", i=initiative_id),
                        "an evidence file of that model"),
        "unit_id": (unit_id, "that model's unit"),
        "user_id": (_first(db, "SELECT min(id) FROM users WHERE unit_id = :u", u=unit_id)
                    or _first(db, "SELECT id FROM users WHERE login = 'noivu'"), "a user of that unit"),
        "organiser_id": (organiser_id, "province 1's organiser"),
        "proposal_id": (proposal_id, "an awards proposal of province 1's rounds"),
        "line_id": (line_id, "a line of that proposal"),
        "ballot_id": (_first(db, "SELECT min(id) FROM ballots WHERE proposal_id = :p", p=proposal_id),
                      "a ballot of that proposal"),
        "form_id": (_first(db, "SELECT min(id) FROM award_forms"), "an award form"),
        "person_id": (_first(db, """SELECT min(p.id) FROM awarded_persons p JOIN units u ON u.id = p.unit_id
                                    WHERE u.organiser_id = :o""", o=organiser_id),
                      "an awarded person of a unit of province 1"),
        "award_id": (_first(db, "SELECT min(id) FROM outside_awards WHERE organiser_id = :o", o=organiser_id),
                     "an award made outside the app, recorded by province 1"),
        "version_id": (_first(db, """SELECT min(v.id) FROM supervision_opinion_versions v
                                     JOIN supervision_opinions o ON o.id = v.opinion_id
                                     WHERE o.organiser_id = :o""", o=organiser_id),
                       "a version of a supervision opinion on province 1's models"),
        "job_id": (_first(db, """SELECT min(j.id) FROM jobs j JOIN users u ON u.id = j.owner_id
                                 WHERE u.login = :login AND j.result_key IS NOT NULL""", login=login),
                   "a finished job of the reader with a file"),
        "code": (survey.public_code if survey else None, "the public code of that model's survey"),
        "sheet": (_first(db, "SELECT min(sheet) FROM survey_codes WHERE survey_id = :s", s=survey.id)
                  if survey else None, "a sheet of that survey's codes"),
        "size": (next(iter(posters.SIZES)), "the first poster size"),
        "slug": (GUIDE_SLUGS[login], "the reader's guide"),
        "name": (min((p.name for p in SCREENSHOT_DIR.glob("*.png")), default=None), "the first screenshot"),
        "extension": ("docx" if proposal_id else None, "a document format of that proposal"),
    }
    return {name: (value, reason if value is not None else f"{reason}: {none}")
            for name, (value, reason) in values.items()}


def fill(rule, ids: dict[str, tuple[object, str]]) -> tuple[str | None, str]:
    """The path of `rule` with `ids`, or None and why not."""
    missing = [f"<{name}>: {ids[name][1] if name in ids else 'no filler for this parameter'}"
               for name in sorted(rule.arguments) if ids.get(name, (None,))[0] is None]
    if missing:
        return None, "; ".join(missing)
    try:
        path = rule.build({name: ids[name][0] for name in rule.arguments}, append_unknown=False)[1]
    except Exception as error:  # a converter refusing the value
        return None, f"not buildable: {error}"
    return path, ", ".join(f"<{name}> {ids[name][1]}" for name in sorted(rule.arguments))


def _query(rule, facts: dict) -> str:
    """The benchmark year for the pages that take one (a year's list, dashboard, report)."""
    return f"?nam={facts['year']}" if rule.endpoint in YEAR_ENDPOINTS else ""


YEAR_ENDPOINTS = {"registry.index", "registry.compliance", "reports.dashboard", "organisers.rollup",
                  "exports.registry", "exports.compliance", "reports.periodic", "reports.periodic_xlsx"}


def all_pages(database_url: str, repeat: int = 20, label: str = "national") -> dict:
    from bench.generate import make_app
    from bench.wsgi import TRIVIAL_PATH, add_trivial_route
    from danvankheo.extensions import db

    # Jobs an export queues go to a scratch queue that no worker reads.
    queue = Path(tempfile.mkdtemp(prefix="levels-")) / "huey.sqlite"
    # UPLOAD_FOLDER: where the generator put the evidence files (read only), else the app's own.
    app = add_trivial_route(make_app(database_url, os.environ.get("UPLOAD_FOLDER"), WTF_CSRF_ENABLED=False,
                                     HUEY_URL=f"sqlite:///{queue}"))
    with app.app_context():
        facts = actors(db)
        log = StatementLog(db.engine)
        db.session.remove()
    clients, get = _sessions(app)
    load_before = os.getloadavg()
    for login in clients:
        for _ in range(5):
            get(login, TRIVIAL_PATH)
    results, not_filled = [], []
    for rule in page_rules(app):
        for login in clients:
            with app.app_context():
                ids = rule_ids(db, facts, login)
                db.session.remove()
            path, source = fill(rule, ids)
            if path is None:
                not_filled.append({"actor": login, "rule": rule.rule, "endpoint": rule.endpoint, "reason": source})
                print(f"levels [{label}] {login} {rule.rule}: not filled ({source})")
                continue
            path += _query(rule, facts)
            entry = measure(app, db, log, get, login, path, repeat, label, slow_repeat=True)
            results.append({"rule": rule.rule, "endpoint": rule.endpoint, "filled_with": source, **entry})
    load_after = os.getloadavg()
    with app.app_context():
        db.engine.dispose()
    timed = [entry for entry in results if "p95_seconds" in entry]
    return {"dataset": label, **facts, "repeat": repeat, "slow_seconds": SLOW_SECONDS,
            "loadavg_before": load_before, "loadavg_after": load_after, "pages": results,
            "not_filled": not_filled, "timed": len(timed),
            "over_target": [f"{e['actor']} {e['path']}" for e in timed if not e["p95_met"]],
            "p95_met": all(entry["p95_met"] for entry in timed)}


def table(result: dict) -> str:
    """The timed pages by p95, slowest first, then the others by status; '!' over target."""
    timed = sorted((e for e in result["pages"] if "p95_seconds" in e), key=lambda e: -e["p95_seconds"])
    other = sorted((e for e in result["pages"] if "p95_seconds" not in e), key=lambda e: (e["status"], e["path"]))
    lines = [f"{'':1} {'reader':<8} {'status':>6} {'median':>10} {'p95':>10} {'target':>8} {'ratio':>6} "
             f"{'stmts':>5} {'SQL':>10} {'runs':>4}  page [content type]"]
    for e in timed:
        kind = "" if e["content_type"].startswith("text/html") else f" [{e['content_type'].split(';')[0]}]"
        lines.append(f"{'' if e['p95_met'] else '!':1} {e['actor']:<8} {e['status']:>6} {ms(e['median_seconds']):>10} "
                     f"{ms(e['p95_seconds']):>10} {ms(e['p95_target_seconds']):>8} {e['ratio_to_trivial']:>6.1f} "
                     f"{e['statements']:>5} {ms(e['sql_seconds']):>10} {e['runs']:>4}  {e['path']}{kind}")
    for e in other:
        lines.append(f"{'':1} {e['actor']:<8} {e['status']:>6} {'-':>10} {'-':>10} {'':>8} {'':>6} {'':>5} {'':>10} "
                     f"{'':>4}  {e['path']} (not timed)")
    for e in result["not_filled"]:
        lines.append(f"{'':1} {e['actor']:<8} {'-':>6} {'not filled':>10} {'':>10} {'':>8} {'':>6} {'':>5} {'':>10} "
                     f"{'':>4}  {e['rule']}: {e['reason']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.levels", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed requests of each page (after one warm-up); 7, or 20 with --all-pages")
    parser.add_argument("--all-pages", action="store_true",
                        help="every GET page of the app as both readers (levels-all-pages-<label>.json)")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    label = os.environ.get("BENCH_LABEL", "national")
    if args.all_pages:
        result = all_pages(url, repeat=args.repeat or 20, label=label)
        save(f"levels-all-pages-{label}", result)
        print(table(result))
        print(f"load average (1 min) before {result['loadavg_before'][0]:.2f}, after {result['loadavg_after'][0]:.2f}")
        return 0
    save(f"levels-{label}", run(url, repeat=args.repeat or 7, label=label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
