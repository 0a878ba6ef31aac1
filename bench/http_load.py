"""HTTP load: gunicorn with several workers on PostgreSQL, logged-in sessions, a mix of the main
pages, driven by wrk on loopback; throughput against a trivial page of the same server.

    DATABASE_URL=postgresql+psycopg://.../dvk_bench python -m bench.http_load [--seconds 60]

The server is `deploy/gunicorn.conf.py` with production settings serving `bench.wsgi:app`
(the app plus `/_bench/trivial`, a page of the app's layout with no data), with that file's
default number of workers (2 x cores + 1; `--workers` sets another). Sessions are made
by logging in through the real form (secretariat, observer, evaluators, unit staff), all of
one organiser: `noivu` and `theodoi.p01` with province 1's round, council and units in the
two-level national dataset (the national observer's pages are bench.levels'), `noivu` and
`theodoi` in the one-organiser province dataset. The mix
cycles through a fixed list of 71 (page, session) pairs: registry list with filters and
searches, model pages, the compliance view, the dashboard, the evaluators' queues and scoring
forms (14), the round's progress page (7) and its ranking (1: it ranks the whole round).
`--mix everyday` leaves out the progress and ranking pages. Each
connection count runs the mix and then the trivial page for the same time; the ratio is the
mix's requests per second over the trivial page's. Any status other than 200 counts as an
error, as do wrk's socket errors and timeouts.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select

from bench.common import WRK_SUMMARY_LUA, save
from bench.server import Browser, GunicornServer
from bench.wsgi import TRIVIAL_PATH

# deploy/gunicorn.conf.py's default (WEB_CONCURRENCY unset): the configuration docs/DEPLOY.md serves.
DEPLOY_WORKERS = multiprocessing.cpu_count() * 2 + 1

LUA = r"""
local lines = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  local path, cookie = line:match("([^\t]+)\t(.*)")
  lines[#lines + 1] = {path, cookie}
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
  local entry = lines[(i % #lines) + 1]
  return wrk.format("GET", entry[1], {["Cookie"] = entry[2], ["User-Agent"] = "danvankheo-bench/1.0"})
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if bad_example == "" then bad_example = tostring(status) end
  end
end

""" + WRK_SUMMARY_LUA


def _sample(database_url: str) -> dict:
    """Ids and logins for the mix, read from the generated dataset."""
    from bench.common import secretariat_round
    from bench.generate import make_app
    from danvankheo.auth.models import User
    from danvankheo.extensions import db
    from danvankheo.registry.models import Initiative, Status
    from danvankheo.scoring.models import Assignment
    from danvankheo.units.models import Unit, UnitKind

    app = make_app(database_url)
    with app.app_context():
        round_ = secretariat_round(db, "noivu")
        round_id, year, organiser_id = round_.id, round_.year, round_.organiser_id
        own_units = select(Unit.id).where(Unit.organiser_id == organiser_id)
        models = list(db.session.scalars(
            select(Initiative.id).where(Initiative.year == year, Initiative.status == Status.ACCEPTED,
                                        Initiative.unit_id.in_(own_units))
            .order_by(func.random()).limit(40)))
        evaluators = db.session.execute(
            select(Assignment.evaluator_id, func.min(Assignment.initiative_id))
            .where(Assignment.round_id == round_id).group_by(Assignment.evaluator_id)
            .order_by(Assignment.evaluator_id).limit(6)).all()
        logins = dict(db.session.execute(select(User.id, User.login).where(User.id.in_([e for e, _ in evaluators]))).all())
        provinces = list(db.session.scalars(
            select(Unit.id).where(Unit.kind == UnitKind.PROVINCE, Unit.organiser_id == organiser_id).limit(10)))
        staff_unit = db.session.execute(
            select(Unit.code, func.min(Initiative.id)).join(Initiative, Initiative.unit_id == Unit.id)
            .where(Initiative.year == year, Unit.organiser_id == organiser_id)
            .group_by(Unit.code).order_by(Unit.code).limit(3)).all()
        # The province's own observer in the two-level dataset, else the one observer.
        observer = "theodoi.p01" if db.session.scalar(select(User.id).where(User.login == "theodoi.p01")) \
            else "theodoi"
        db.engine.dispose()
    return {"round_id": round_id, "year": year, "organiser_id": organiser_id, "models": models,
            "provinces": provinces, "observer": observer,
            "evaluators": [(logins[e], i) for e, i in evaluators],
            "staff": [(f"cb.{code.lower()}", i) for code, i in staff_unit]}


def build_mix(sample: dict, cookies: dict[str, str], rng: random.Random) -> list[tuple[str, str]]:
    year, round_id = sample["year"], sample["round_id"]
    secretariat, observer = cookies["noivu"], cookies[sample["observer"]]
    searches = ["dan van kheo", "chuyển đổi số", "nong thon moi", "OCOP", "xoa nha tam", "Hòa Bình"]
    mix: list[tuple[str, str]] = []
    for n in range(49):
        reader = secretariat if n % 3 else observer
        choice = n % 7
        if choice == 0:
            args = {"nam": year, "linh_vuc": rng.choice(["economy", "culture_society", "political_system"])}
            mix.append(("/mo-hinh?" + urlencode(args), reader))
        elif choice == 1:
            mix.append(("/mo-hinh?" + urlencode({"q": rng.choice(searches)}), reader))
        elif choice == 2:
            mix.append((f"/mo-hinh/{rng.choice(sample['models'])}", reader))
        elif choice == 3:
            login, model = rng.choice(sample["evaluators"])
            mix.append(("/cham-diem/", cookies[login]))
            mix.append((f"/cham-diem/{round_id}/{model}", cookies[login]))
        elif choice == 4:
            mix.append((f"/dot-danh-gia/{round_id}/tien-do", secretariat))
        elif choice == 5:
            mix.append((f"/mo-hinh/tinh-hinh-dang-ky?nam={year}", reader))
            mix.append(("/thong-ke?" + urlencode({"nam": year}), reader))
        else:
            login, model = rng.choice(sample["staff"])
            mix.append(("/mo-hinh", cookies[login]))
            mix.append((f"/mo-hinh/{model}", cookies[login]))
    mix.append((f"/dot-danh-gia/{round_id}/xep-hang", secretariat))  # 1 in ~60
    return mix


def _page_kind(path: str) -> str:
    """`/mo-hinh/123` -> `/mo-hinh/<id>`, query strings folded into `?…`."""
    import re

    base, _, query = path.partition("?")
    base = re.sub(r"/\d+", "/<id>", base)
    return base + ("?q" if "q=" in query else "?…" if query else "")


def page_costs(url: str, mix: list[tuple[str, str]], rounds: int = 2) -> dict[str, float]:
    """Each page of the mix timed alone (no concurrency): where the time goes."""
    import statistics
    import time

    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for path, cookie in mix:
            started = time.perf_counter()
            status, _, _ = Browser(url).request(path, headers={"Cookie": cookie})
            times.setdefault(_page_kind(path), []).append((time.perf_counter() - started) * 1000)
    return {kind: round(statistics.median(values), 1) for kind, values in sorted(times.items())}


def _wrk(url: str, urls_file: Path, lua: Path, connections: int, seconds: int) -> dict:
    env = {**os.environ, "BENCH_URLS": str(urls_file)}
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "-s", str(lua), url],
        env=env, capture_output=True, text=True, check=True,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    data = json.loads(line)
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = data["non200"] + data["connect"] + data["read"] + data["write"] + data["timeout"]
    return data


HEAVY = ("/tien-do", "/xep-hang")  # the round's progress and ranking: whole-round aggregates


def run(database_url: str, seconds: int = 60, connections=(32, 64), workers: int | None = None,
        label: str = "national", mix_name: str = "main") -> dict:
    from bench.generate import PASSWORD

    workers = workers or DEPLOY_WORKERS

    if not shutil.which("wrk"):
        raise SystemExit("wrk is required: apt-get install wrk")
    sample = _sample(database_url)
    work = Path(tempfile.mkdtemp(prefix="dvk-http-"))
    env = {"DATABASE_URL": database_url, "UPLOAD_FOLDER": str(work / "evidence"), "INSTANCE_PATH": str(work / "i"),
           "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_ENABLED": "0", "LOG_REQUESTS": "0"}
    results: dict = {"dataset": label, "mix_name": mix_name, "workers": workers, "seconds": seconds, "runs": {},
                     "round_id": sample["round_id"], "organiser_id": sample["organiser_id"],
                     "readers": ["noivu", sample["observer"]]}
    with GunicornServer(env, workers=workers, log_path=work / "gunicorn.log", app="bench.wsgi:app") as server:
        cookies = {}
        logins = ["noivu", sample["observer"]] + [login for login, _ in sample["evaluators"]] + [login for login, _ in sample["staff"]]
        for login in logins:
            browser = Browser(server.url)
            assert browser.login(login, PASSWORD) == 302, f"login {login} failed"
            cookies[login] = browser.session_cookie()
        mix = build_mix(sample, cookies, random.Random(8))
        if mix_name == "everyday":  # every page but the two whole-round aggregates
            mix = [(p, c) for p, c in mix if not p.split("?")[0].endswith(HEAVY)]
        # Every page of the mix must answer 200 before the load starts; a page that does not
        # exist in this version of the app (404) is left out and named in the results.
        missing = []
        for path, cookie in mix:
            status, _, _ = Browser(server.url).request(path, headers={"Cookie": cookie})
            if status == 404 and path.split("?")[0] in ("/thong-ke",):
                missing.append(path)
                continue
            assert status == 200, f"{path}: {status}"
        if missing:
            print(f"http [{label}] left out (not in this version of the app): {sorted(set(missing))}")
            mix = [(p, c) for p, c in mix if p not in missing]
        results["left_out"] = sorted(set(missing))
        results["page_costs_ms"] = page_costs(server.url, mix + [(TRIVIAL_PATH, mix[0][1])] * 3)
        print(f"http [{label}] one request at a time, median ms per page: "
              + ", ".join(f"{k} {v:.0f}" for k, v in results["page_costs_ms"].items()))
        lua = work / "mix.lua"
        lua.write_text(LUA)
        mix_file, trivial_file = work / "mix.tsv", work / "trivial.tsv"
        mix_file.write_text("".join(f"{p}\t{c}\n" for p, c in mix))
        trivial_file.write_text("".join(f"{TRIVIAL_PATH}\t{c}\n" for _, c in mix))
        results["mix"] = [p for p, _ in mix]
        for c in connections:
            _wrk(server.url, mix_file, lua, c, 5)  # warm-up
            page_mix = _wrk(server.url, mix_file, lua, c, seconds)
            trivial = _wrk(server.url, trivial_file, lua, c, seconds)
            ratio = page_mix["rps"] / trivial["rps"]
            results["runs"][str(c)] = {"mix": page_mix, "trivial": trivial, "ratio_rps": ratio}
            print(f"http [{label}, {mix_name} mix] {c} connections, {workers} workers, {seconds} s: mix {page_mix['rps']:.1f} req/s "
                  f"p50 {page_mix['p50_us'] / 1000:.0f} ms p95 {page_mix['p95_us'] / 1000:.0f} ms, "
                  f"errors {page_mix['errors']}; trivial {trivial['rps']:.1f} req/s p95 {trivial['p95_us'] / 1000:.0f} ms, "
                  f"errors {trivial['errors']} -> ratio {ratio:.2f}")
    shutil.rmtree(work, ignore_errors=True)  # the server's log and the wrk scripts
    results["zero_errors"] = all(r["mix"]["errors"] == 0 and r["trivial"]["errors"] == 0 for r in results["runs"].values())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None,
                        help=f"gunicorn workers (default {DEPLOY_WORKERS}: deploy/gunicorn.conf.py's 2 x cores + 1)")
    parser.add_argument("--connections", default="32,64")
    parser.add_argument("--mix", choices=["main", "everyday"], default="main",
                        help="everyday: without the round's progress and ranking pages")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    label = os.environ.get("BENCH_LABEL", "national")
    name = f"http-{label}" + ("" if args.mix == "main" else f"-{args.mix}")
    save(name, run(url, args.seconds, tuple(int(c) for c in args.connections.split(",")), args.workers, label,
                   args.mix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
