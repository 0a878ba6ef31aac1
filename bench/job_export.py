"""The full score detail export as a background job, against bare openpyxl write-only.

    python -m bench.job_export --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_jobs

The dataset is the `jobs` preset of bench.generate (two rounds: about 50,000 and 200,000
score rows; `--generate` builds it, a few minutes on two cores). For each round, in the
same run:

- **job**: a real worker process (`flask jobs worker`, one thread) is started, the export
  job of the whole round (ranking sheet + every score of the detail sheet, evaluator names
  shown) is enqueued as the app does it, and the job's own `started_at`..`finished_at` gives
  the time; the worker's peak resident memory (VmHWM from /proc) is read when it is done,
  beside its resident memory when idle, before the job.
- **bare openpyxl**: a fresh process does the same reads (the ranking, then the score rows
  in the ranking's order, through the same queries) and appends the same values to a
  write-only openpyxl sheet with no styles, no document header and no progress writes.

Rows per second count the rows written (ranking lines + score lines). Results go to
bench/results/job-export.json.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import save

PROJECT = Path(__file__).resolve().parent.parent


def _vm(pid: int, field: str) -> int:
    """VmHWM / VmRSS of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _rounds(app) -> list[tuple[int, int, str]]:
    from sqlalchemy import func, select

    from danvankheo.extensions import db
    from danvankheo.scoring.models import Round, Score, Scorecard

    with app.app_context():
        rows = db.session.execute(
            select(Round.id, func.count(Score.id), Round.name)
            .join(Scorecard, Scorecard.round_id == Round.id).join(Score, Score.scorecard_id == Scorecard.id)
            .group_by(Round.id, Round.name).order_by(func.count(Score.id))
        ).all()
        return [tuple(r) for r in rows]


def run_job(database_url: str, round_id: int, work: Path) -> dict:
    from sqlalchemy import select

    from bench.generate import make_app
    from danvankheo.auth.models import Role, User, UserRole
    from danvankheo.extensions import db
    from danvankheo.jobs import services
    from danvankheo.jobs.models import Job, JobKind, JobState

    queue = work / f"huey-{round_id}.sqlite"
    folder = work / "jobs"
    settings = {"HUEY_URL": f"sqlite:///{queue}", "JOBS_FOLDER": str(folder)}
    app = make_app(database_url, **settings)
    env = dict(os.environ, APP_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url,
               INSTANCE_PATH=str(work / "instance"), LOG_FORMAT="text", LOG_LEVEL="WARNING", JOB_WORKERS="1",
               **settings)
    env.pop("FLASK_DEBUG", None)
    log = open(work / "worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "1"],
                              cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(4)  # started, connected, idle
        idle_kb = _vm(worker.pid, "VmRSS")
        with app.app_context():
            owner = db.session.scalar(select(User).join(UserRole).where(UserRole.role == Role.SECRETARIAT)
                                      .order_by(User.id).limit(1))
            job, _ = services.start_job(owner, JobKind.RANKING_EXPORT, f"bench {round_id}",
                                        {"round_id": round_id, "args": [], "bench": time.time()})
            db.session.commit()
            services.enqueue(job)
            job_id = job.id
            while True:
                time.sleep(0.5)
                db.session.expire_all()
                job = db.session.get(Job, job_id)
                if not job.state.is_active:
                    break
            peak_kb = _vm(worker.pid, "VmHWM")
            if job.state is not JobState.DONE:
                raise SystemExit(f"job {job_id} ended {job.state}: {job.message}")
            seconds = (job.finished_at - job.started_at).total_seconds()
            size = services.result_path(job.result_key).stat().st_size
            rows = job.progress_done
            services.result_path(job.result_key).unlink()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
            "worker_idle_rss_mb": round(idle_kb / 1024, 1), "worker_peak_rss_mb": round(peak_kb / 1024, 1),
            "file_mb": round(size / 1e6, 1)}


def bare(database_url: str, round_id: int) -> dict:
    """In a fresh process: the same reads, written with bare openpyxl write-only."""
    from openpyxl import Workbook

    from bench.generate import make_app
    from danvankheo.exports import queries
    from danvankheo.exports.routes import RankingExport
    from danvankheo.extensions import db
    from danvankheo.scoring.models import Round

    app = make_app(database_url)
    with app.app_context():
        started = time.perf_counter()
        round_ = db.session.get(Round, round_id)
        export = RankingExport.plan(round_, {}, with_names=True)
        wb = Workbook(write_only=True)
        ranking, detail = wb.create_sheet("Xếp hạng"), wb.create_sheet("Chi tiết phiếu chấm")
        rows = 0
        for n, line in enumerate(queries.ranking_lines(round_, export.view.rows), 1):
            ranking.append([n, line.name, line.unit_name, line.field,
                            *[line.criterion_means.get(c.code) for c in export.criteria],
                            line.total, line.grade, line.rank, line.note])
            rows += 1
        ids = [row.initiative_id for row in export.view.rows]
        for n, s in enumerate(queries.score_lines(round_, ids, with_names=True), 1):
            detail.append([n, s.initiative_name, s.unit_name, s.evaluator, s.criterion, s.max_score, s.value,
                           s.comment])
            rows += 1
        with tempfile.TemporaryFile() as target:
            wb.save(target)
        seconds = time.perf_counter() - started
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
            "peak_rss_mb": round(peak_kb / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.job_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("JOBS_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_jobs"))
    parser.add_argument("--generate", action="store_true", help="build the `jobs` dataset first")
    parser.add_argument("--bare-round", type=int, help=argparse.SUPPRESS)  # the baseline's own process
    args = parser.parse_args(argv)
    if args.bare_round:
        print(json.dumps(bare(args.database_url, args.bare_round)))
        return 0
    from bench.generate import PRESETS, create_database, generate, make_app, sync_schema

    if args.generate:
        create_database(args.database_url)
        generate(PRESETS["jobs"], args.database_url, reset=True,
                 upload_folder=tempfile.mkdtemp(prefix="dvk-bench-evidence-"))
    sync_schema(args.database_url)  # the jobs table, when the dataset predates it
    results = {"database": args.database_url.rsplit("/", 1)[-1], "cases": []}
    rounds = _rounds(make_app(args.database_url))
    with tempfile.TemporaryDirectory(prefix="dvk-bench-jobs-") as tmp:
        for round_id, scores, name in rounds:
            job = run_job(args.database_url, round_id, Path(tmp))
            out = subprocess.run([sys.executable, "-m", "bench.job_export", "--database-url", args.database_url,
                                  "--bare-round", str(round_id)], cwd=PROJECT, check=True, capture_output=True,
                                 text=True)
            baseline = json.loads(out.stdout.strip().splitlines()[-1])
            case = {"round": name, "score_rows": scores, "job": job, "bare_openpyxl": baseline,
                    "job_vs_bare_rows_per_second": round(job["rows_per_second"] / baseline["rows_per_second"], 2)}
            results["cases"].append(case)
            print(json.dumps(case, ensure_ascii=False))
    save("job-export", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
