"""The full score detail export as a background job, against bare openpyxl write-only.

    python -m bench.job_export --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_jobs
    python -m bench.job_export --preset national --verify \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dvk_bench_jobs_national

`--preset` names the dataset of bench.generate (`--generate` builds it first):

- `jobs` (the default): two rounds of about 50,000 and 200,000 score rows, built in about a
  minute on two cores; both rounds are measured. Results: bench/results/job-export.json.
- `national`: 70,000 models in the benchmark year's round (about 1.7 million submitted score
  rows, the full national detail) plus two earlier rounds of 10,000 models; built in about
  five minutes. Only the benchmark year's round, the largest, is measured: the earlier ones
  are the size the `jobs` preset already covers. Results:
  bench/results/job-export-national.json.

For each measured round, in the same run:

- **job**: a real worker process (`flask jobs worker`, one thread) is started, the export
  job of the whole round (ranking sheet, the panel's comments, every score of the detail
  sheet, evaluators numbered as in the app) is enqueued as the app does it, and the job's own
  `started_at`..`finished_at` gives the time; the worker's peak resident memory (VmHWM from
  /proc) is read when it is done, beside its resident memory when idle, before the job, and
  its resident memory as each tenth of the rows is passed.
  With `--verify` the finished file is opened with openpyxl read-only and the data rows of
  its ranking and detail sheets are counted (before it is deleted).
- **bare openpyxl**: a fresh process does the same reads (the ranking, the comments, then the
  score rows in the ranking's order, through the same queries) and appends the same values
  to write-only openpyxl sheets (the detail cut at the same 1,000,000 rows per sheet) with no
  styles, no document header and no progress writes.

Rows per second count the rows written to the ranking and detail sheets (ranking lines +
score lines), the job's progress count; comment lines are written by both but not counted.
The load average is sampled before the job, after it and after the baseline.
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


# preset -> (database, results file, measure only the largest round)
PRESETS = {
    "jobs": ("dvk_bench_jobs", "job-export", False),
    "national": ("dvk_bench_jobs_national", "job-export-national", True),
}
RANKING_SHEET, DETAIL_SHEET = "Xếp hạng", "Chi tiết phiếu chấm"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def verify_file(path: Path) -> dict:
    """Open the workbook read-only and count the data rows (a numbered first cell) of the
    ranking sheet and of the detail sheet with its continuations."""
    from openpyxl import load_workbook

    started = time.perf_counter()
    counts: dict[str, int] = {}
    with path.open("rb") as fh:  # the job's file has no extension, which load_workbook(path) refuses
        wb = load_workbook(fh, read_only=True)
        try:
            for ws in wb.worksheets:
                counts[ws.title] = sum(1 for row in ws.iter_rows(min_col=1, max_col=1, values_only=True)
                                       if row and isinstance(row[0], int))
        finally:
            wb.close()
    detail = {title: n for title, n in counts.items() if title.startswith(DETAIL_SHEET)}
    return {"sheets": list(counts), "ranking_rows": counts.get(RANKING_SHEET, 0),
            "detail_rows": sum(detail.values()), "detail_sheets": detail,
            "seconds": round(time.perf_counter() - started, 1)}


def run_job(database_url: str, round_id: int, work: Path, verify: bool = False) -> dict:
    from sqlalchemy import select

    from bench.generate import make_app
    from danvankheo.auth.models import User, UserRole
    from danvankheo.core.roles import Role
    from danvankheo.extensions import db
    from danvankheo.jobs import services
    from danvankheo.jobs.models import Job, JobKind, JobState

    queue = work / f"huey-{round_id}.sqlite"
    folder = work / "jobs"
    settings = {"HUEY_URL": f"sqlite:///{queue}", "JOBS_FOLDER": str(folder)}
    app = make_app(database_url, **settings)
    env = dict(os.environ, APP_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url,
               INSTANCE_PATH=str(work / "instance"), LOG_FORMAT="text", LOG_LEVEL="WARNING", JOB_WORKERS="1",
               SESSION_COOKIE_SECURE="1",  # production settings refuse to start without it
               **settings)
    env.pop("FLASK_DEBUG", None)
    log = open(work / "worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "1"],
                              cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(4)  # started, connected, idle
        if worker.poll() is not None:
            tail = (work / "worker.log").read_text(errors="replace").splitlines()[-5:]
            raise SystemExit("the worker did not start:\n" + "\n".join(tail))
        idle_kb = _vm(worker.pid, "VmRSS")
        with app.app_context():
            owner = db.session.scalar(select(User).join(UserRole).where(UserRole.role == Role.SECRETARIAT)
                                      .order_by(User.id).limit(1))
            job, _ = services.start_job(owner, JobKind.RANKING_EXPORT, f"bench {round_id}",
                                        {"round_id": round_id, "args": [], "bench": time.time()})
            db.session.commit()
            services.enqueue(job)
            job_id = job.id
            # [rows done, resident MB, peak so far MB] at the first reading past each tenth of
            # the job: flat memory means the same figures from the first tenth on.
            trace, tenth = [], 0
            while True:
                time.sleep(0.5)
                db.session.expire_all()
                job = db.session.get(Job, job_id)
                if not job.state.is_active:
                    break
                if job.progress_total and job.progress_done * 10 >= (tenth + 1) * job.progress_total:
                    tenth = job.progress_done * 10 // job.progress_total
                    trace.append([job.progress_done, round(_vm(worker.pid, "VmRSS") / 1024, 1),
                                  round(_vm(worker.pid, "VmHWM") / 1024, 1)])
            peak_kb = _vm(worker.pid, "VmHWM")
            if job.state is not JobState.DONE:
                raise SystemExit(f"job {job_id} ended {job.state}: {job.message}")
            seconds = (job.finished_at - job.started_at).total_seconds()
            path = services.result_path(job.result_key)
            size = path.stat().st_size
            rows = job.progress_done
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    result = {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
              "worker_idle_rss_mb": round(idle_kb / 1024, 1), "worker_peak_rss_mb": round(peak_kb / 1024, 1),
              "file_mb": round(size / 1e6, 1), "worker_rss_hwm_mb_by_rows_done": trace}
    if verify:  # after the worker is gone: the count does not share its cores
        result["file_check"] = verify_file(path)
    path.unlink()
    return result


def bare(database_url: str, round_id: int) -> dict:
    """In a fresh process: the same reads, written with bare openpyxl write-only."""
    from openpyxl import Workbook

    from bench.generate import make_app
    from danvankheo.exports import queries
    from danvankheo.exports.routes import RankingExport
    from danvankheo.exports.xlsx import MAX_TABLE_ROWS
    from danvankheo.extensions import db
    from danvankheo.scoring.models import Round

    app = make_app(database_url)
    with app.app_context():
        started = time.perf_counter()
        round_ = db.session.get(Round, round_id)
        export = RankingExport.plan(round_, {}, with_names=False)  # as the job: evaluators numbered
        wb = Workbook(write_only=True)
        ranking, remarks = wb.create_sheet(RANKING_SHEET), wb.create_sheet("Nhận xét")
        rows = comments = 0
        for n, line in enumerate(queries.ranking_lines(round_, export.view.rows), 1):
            ranking.append([n, line.name, line.unit_name, line.field,
                            *[line.criterion_means.get(c.code) for c in export.criteria],
                            line.total, line.grade, line.rank, line.note])
            rows += 1
        ids = [row.initiative_id for row in export.view.rows]
        for n, c in enumerate(queries.comment_lines(round_, ids), 1):
            remarks.append([n, c.initiative_name, c.unit_name, c.evaluator, c.total, c.text])
            comments += 1
        detail, sheets = wb.create_sheet(DETAIL_SHEET), 1
        for n, s in enumerate(queries.score_lines(round_, ids, with_names=False), 1):
            if n > sheets * MAX_TABLE_ROWS:  # a worksheet holds 1,048,576 rows: go on as the app does
                sheets += 1
                detail = wb.create_sheet(f"{DETAIL_SHEET} ({sheets})")
            detail.append([n, s.initiative_name, s.unit_name, s.evaluator, s.criterion, s.max_score, s.value,
                           s.comment])
            rows += 1
        with tempfile.TemporaryFile() as target:
            wb.save(target)
            size = target.tell()
        seconds = time.perf_counter() - started
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds),
            "peak_rss_mb": round(peak_kb / 1024, 1), "comment_rows": comments, "detail_sheets": sheets,
            "file_mb": round(size / 1e6, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.job_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="jobs",
                        help="the bench.generate dataset: `jobs` (two small rounds) or `national` (the "
                             "full national detail, its largest round only)")
    parser.add_argument("--database-url", default=os.environ.get("JOBS_DATABASE_URL"),
                        help="default: postgresql+psycopg://postgres@127.0.0.1:5432/<dvk_bench_jobs or "
                             "dvk_bench_jobs_national>")
    parser.add_argument("--generate", action="store_true", help="build the preset's dataset first")
    parser.add_argument("--verify", action="store_true",
                        help="open each exported file read-only and count its rows")
    parser.add_argument("--bare-round", type=int, help=argparse.SUPPRESS)  # the baseline's own process
    args = parser.parse_args(argv)
    database, results_name, largest_only = PRESETS[args.preset]
    database_url = args.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    if args.bare_round:
        print(json.dumps(bare(database_url, args.bare_round)))
        return 0
    from bench import generate as datasets

    if args.generate:
        datasets.create_database(database_url)
        datasets.generate(datasets.PRESETS[args.preset], database_url, reset=True,
                          upload_folder=tempfile.mkdtemp(prefix="dvk-bench-evidence-"))
    datasets.sync_schema(database_url)  # the jobs table, when the dataset predates it
    results = {"database": database_url.rsplit("/", 1)[-1], "preset": args.preset, "cases": []}
    rounds = _rounds(datasets.make_app(database_url))  # smallest first
    if largest_only:
        rounds = rounds[-1:]
    with tempfile.TemporaryDirectory(prefix="dvk-bench-jobs-") as tmp:
        for round_id, scores, name in rounds:
            load = {"before": _load()}
            job = run_job(database_url, round_id, Path(tmp), verify=args.verify)
            load["after_job"] = _load()
            print(json.dumps({"round": name, "job": job}, ensure_ascii=False), flush=True)
            out = subprocess.run([sys.executable, "-m", "bench.job_export", "--preset", args.preset,
                                  "--database-url", database_url, "--bare-round", str(round_id)],
                                 cwd=PROJECT, check=True, capture_output=True, text=True)
            load["after_bare"] = _load()
            baseline = json.loads(out.stdout.strip().splitlines()[-1])
            case = {"round": name, "score_rows": scores, "job": job, "bare_openpyxl": baseline,
                    "job_vs_bare_rows_per_second": round(job["rows_per_second"] / baseline["rows_per_second"], 2),
                    "loadavg": load}
            results["cases"].append(case)
            print(json.dumps(case, ensure_ascii=False), flush=True)
    save(results_name, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
