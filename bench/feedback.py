"""The people's survey under load: the public page (GET /y-kien/<code>) and the answer
(POST, with its CSRF token and device cookie) at 64 connections, each against the trivial page
of the same server in the same run (issue 23).

    python -m bench.feedback [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_feedback]
                             [--seconds 30] [--connections 64] [--models 2000] [--responses 100]

The dataset is its own (`dvk_bench_feedback`, rebuilt on every run): a province with 100
communes, `--models` accepted models, each with its survey and `--responses` stored answers
(tallies consistent with them), so a page that aggregated over the answers would show it. The
server is gunicorn with production settings (`bench.wsgi:app`), the rate limit on (memory
store, limits raised so that one loopback address can drive the load). wrk drives the load:
the GET mix cycles over every survey; the POST mix replays 512 sessions (a session cookie
with its CSRF token and a device cookie each), so most posts replace that device's earlier
answer, the costlier path. A GET counts as an error unless 200, a POST unless 302 (the
redirect to the thanks page); wrk's socket errors and timeouts count too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import insert, select, text

from bench.common import WRK_SUMMARY_LUA, save
from bench.generate import create_database, make_app
from bench.server import Browser, GunicornServer
from bench.wsgi import TRIVIAL_PATH

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_feedback"
PASSWORD = "MatKhauBench123"
SESSIONS = 512

LUA = r"""
local lines = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  local method, path, cookie, body = line:match("([^\t]+)\t([^\t]+)\t([^\t]*)\t?(.*)")
  lines[#lines + 1] = {method, path, cookie, body}
end
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
  table.insert(threads, thread)
end

function init(args)
  i = offset % #lines
  bad = 0
  bad_example = ""
end

function request()
  i = i + 1
  local e = lines[(i % #lines) + 1]
  local headers = {["Cookie"] = e[3], ["User-Agent"] = "danvankheo-bench/1.0"}
  if e[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", e[2], headers, e[4])
  end
  return wrk.format("GET", e[2], headers)
end

function response(status, headers, body)
  if status ~= 200 and status ~= 302 then
    bad = bad + 1
    if bad_example == "" then bad_example = tostring(status) end
  end
end

""" + WRK_SUMMARY_LUA
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build_dataset(url: str, models: int, responses: int, log=print) -> list[str]:
    """The dataset; returns the public codes of the surveys."""
    from danvankheo.auth.services import create_user
    from danvankheo.core.roles import Role
    from danvankheo.extensions import db
    from danvankheo.feedback import services
    from danvankheo.feedback.models import CommentReview, ResponseState, SurveyResponse, SurveyTally
    from danvankheo.registry.models import Initiative, Status
    from danvankheo.units.models import UnitKind
    from danvankheo.units.services import create_unit

    create_database(url)
    app = make_app(url)
    rng = random.Random(23)
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        province = create_unit(code="NB", name="UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, parent=None)
        communes = [create_unit(code=f"X{n:03d}", name=f"UBND xã Thử nghiệm {n + 1}", kind=UnitKind.COMMUNE,
                                parent=province) for n in range(100)]
        create_user(login="noivu", full_name="Trần Thị Thu Hà", password=PASSWORD, roles={Role.SECRETARIAT},
                    unit=province)
        codes = []
        for n in range(models):
            model = Initiative(unit=communes[n % len(communes)], year=2026, status=Status.ACCEPTED,
                               area="Các thôn của xã", target_group="Người dân trong xã",
                               goals="Giải quyết thủ tục hành chính tại nhà cho người cao tuổi.")
            model.set_name(f"Mô hình dân vận khéo số {n + 1}: cán bộ đến tận nhà")
            db.session.add(model)
            db.session.flush()
            codes.append(services.open_survey(model).public_code)
        db.session.flush()
        survey_ids = db.session.scalars(text("SELECT id FROM surveys ORDER BY id")).all()
        rows, tallies = [], {}
        for survey_id in survey_ids:
            for k in range(responses):
                rating, took, verified = rng.randint(1, 5), rng.random() < 0.7, rng.random() < 0.3
                rows.append({"survey_id": survey_id, "rating": rating, "took_part": took, "comment": "",
                             "comment_review": CommentReview.NONE, "is_verified": verified,
                             "device_hash": f"{survey_id:032x}{k:032x}", "address_hash": f"{k % 97:064x}",
                             "state": ResponseState.COUNTED})
                t = tallies.setdefault((survey_id, verified), [0, [0] * 5, 0, 0, 0])
                t[0] += 1
                t[1][rating - 1] += 1
                t[2] += took
                t[3] += rating
                t[4] += rating * rating
            if len(rows) >= 20_000:
                db.session.execute(insert(SurveyResponse), rows)
                rows = []
        if rows:
            db.session.execute(insert(SurveyResponse), rows)
        for (survey_id, verified), (n, ratings, took, total, squares) in tallies.items():
            db.session.execute(
                SurveyTally.__table__.update().where(SurveyTally.survey_id == survey_id,
                                                     SurveyTally.is_verified == verified)
                .values(responses=n, took_part=took, rating_sum=total, rating_sq_sum=squares,
                        **{f"rating_{r}": ratings[r - 1] for r in range(1, 6)}))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
        stored = db.session.scalar(select(text("count(*)")).select_from(SurveyResponse))
        db.session.remove()
        db.engine.dispose()
    log(f"feedback dataset: {models} models, {stored} stored answers, {time.perf_counter() - started:.0f} s")
    return codes


def _wrk(url: str, lines_file: Path, lua: Path, connections: int, seconds: int) -> dict:
    env = {**os.environ, "BENCH_URLS": str(lines_file)}
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "-s", str(lua), url],
        env=env, capture_output=True, text=True, check=True,
    )
    data = json.loads([ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = data["non200"] + data["connect"] + data["read"] + data["write"] + data["timeout"]
    return data


def _post_sessions(base_url: str, codes: list[str], rng: random.Random) -> list[str]:
    """Lines `POST path cookie body`: a session with its CSRF token and device cookie each."""
    lines = []
    for n in range(SESSIONS):
        code = codes[n % len(codes)]
        browser = Browser(base_url)
        status, html, _ = browser.request(f"/y-kien/{code}")
        assert status == 200, f"GET /y-kien/{code}: {status}"
        token = _CSRF.search(html).group(1)
        body = urlencode({"csrf_token": token, "rating": rng.randint(1, 5), "took_part": rng.choice(["yes", "no"])})
        lines.append(f"POST\t/y-kien/{code}\t{browser.session_cookie()}\t{body}\n")
    return lines


def run(url: str, seconds: int, connections: int, models: int, responses: int, workers: int) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is required: apt-get install wrk")
    codes = build_dataset(url, models, responses)
    work = Path(tempfile.mkdtemp(prefix="dvk-feedback-"))
    env = {"DATABASE_URL": url, "UPLOAD_FOLDER": str(work / "evidence"), "INSTANCE_PATH": str(work / "i"),
           "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_ENABLED": "0", "LOG_REQUESTS": "0",
           "FEEDBACK_RATE_LIMIT_ENABLED": "1", "FEEDBACK_LIMIT_PER_ADDRESS": "1000000 per 1 hour",
           "FEEDBACK_LIMIT_PER_DEVICE": "1000000 per 1 hour"}
    rng = random.Random(8)
    results: dict = {"models": models, "stored_answers": models * responses, "workers": workers,
                     "seconds": seconds, "connections": connections, "sessions": SESSIONS, "runs": {}}
    with GunicornServer(env, workers=workers, log_path=work / "gunicorn.log", app="bench.wsgi:app") as server:
        staff = Browser(server.url)
        assert staff.login("noivu", PASSWORD) == 302
        cookie = staff.session_cookie()
        lua = work / "feedback.lua"
        lua.write_text(LUA)
        trivial = work / "trivial.tsv"
        trivial.write_text(f"GET\t{TRIVIAL_PATH}\t{cookie}\t\n")
        pages = work / "get.tsv"
        pages.write_text("".join(f"GET\t/y-kien/{code}\t\t\n" for code in rng.sample(codes, len(codes))))
        posts = work / "post.tsv"
        posts.write_text("".join(_post_sessions(server.url, codes, rng)))
        for name, mix in (("get", pages), ("post", posts)):
            _wrk(server.url, mix, lua, connections, 5)  # warm-up
            measured = _wrk(server.url, mix, lua, connections, seconds)
            baseline = _wrk(server.url, trivial, lua, connections, seconds)
            ratio = measured["rps"] / baseline["rps"]
            results["runs"][name] = {"page": measured, "trivial": baseline, "ratio_rps": ratio}
            print(f"feedback {name.upper()} {connections} connections, {workers} workers, {seconds} s: "
                  f"{measured['rps']:.1f} req/s p50 {measured['p50_us'] / 1000:.0f} ms p95 {measured['p95_us'] / 1000:.0f} ms, "
                  f"errors {measured['errors']}; trivial {baseline['rps']:.1f} req/s, errors {baseline['errors']} "
                  f"-> ratio {ratio:.2f}")
    with make_app(url).app_context():
        from danvankheo.extensions import db

        # The counts still equal a recount of the stored answers after the load.
        mismatched = db.session.scalar(text(
            "SELECT count(*) FROM survey_tallies t LEFT JOIN (SELECT survey_id, is_verified, count(*) AS n "
            "FROM survey_responses WHERE state = 'counted' GROUP BY survey_id, is_verified) r "
            "ON r.survey_id = t.survey_id AND r.is_verified = t.is_verified WHERE t.responses <> coalesce(r.n, 0)"))
        results["tallies_match_recount"] = mismatched == 0
        db.engine.dispose()
    shutil.rmtree(work, ignore_errors=True)
    results["zero_errors"] = all(r["page"]["errors"] == 0 and r["trivial"]["errors"] == 0
                                 for r in results["runs"].values())
    results["target_met"] = results["zero_errors"] and all(r["ratio_rps"] >= 0.5 for r in results["runs"].values())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_FEEDBACK_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--responses", type=int, default=100)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        print("a PostgreSQL --database-url is required", file=sys.stderr)
        return 2
    results = run(args.database_url, args.seconds, args.connections, args.models, args.responses, args.workers)
    save("feedback", results)
    return 0 if results["target_met"] and results["tallies_match_recount"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
