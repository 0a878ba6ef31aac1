"""A real worker process (`flask jobs worker`) killed with SIGKILL in the middle of a job:
the job must end failed with a Vietnamese reason and no partial file, never stay "running".
Runs on SQLite and on PostgreSQL (the worker connects to the test's own database)."""

from __future__ import annotations

import signal
import time

from danvankheo.extensions import db
from danvankheo.jobs import services
from danvankheo.jobs.models import Job, JobKind, JobState
from tests.jobs.worker import start_worker, stop_worker, wait_for, worker_queue


def test_a_worker_killed_mid_job_leaves_the_job_failed_not_running(app, finalised, tmp_path):
    slow = {"JOB_CHUNK_ROWS": "1", "JOB_CHUNK_DELAY": "0.4", "JOB_HEARTBEAT_SECONDS": "1", "JOB_STALE_SECONDS": "3"}
    with worker_queue(app, tmp_path, **slow) as (env, folder):
        job, _ = services.start_job(finalised.secretariat, JobKind.RANKING_EXPORT, "Kết quả xếp hạng",
                                    {"round_id": finalised.round.id, "args": []})
        db.session.commit()
        services.enqueue(job)
        job_id = job.id
        log_path = tmp_path / "worker.log"
        worker = start_worker(env, log_path)
        try:
            running = wait_for(lambda: (j := db.session.get(Job, job_id)).state is JobState.RUNNING
                               and j.progress_done >= 3 and j, 60, "the job to run")
            assert running.result_key and services.partial_path(running.result_key).exists()  # mid-file
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            time.sleep(1.5)
            db.session.expire_all()
            killed = db.session.get(Job, job_id)
            assert killed.state is JobState.RUNNING  # nobody has noticed yet
            progress = killed.progress_done
            time.sleep(2)
            db.session.expire_all()
            assert db.session.get(Job, job_id).progress_done == progress  # and nothing moves
            # The next worker to start reaps it (the periodic task would too, within a minute).
            worker = start_worker(env, log_path)
            failed = wait_for(lambda: (j := db.session.get(Job, job_id)).state is JobState.FAILED and j, 60,
                              "the dead job to be reaped")
        finally:
            stop_worker(worker)
        assert failed.message == services.STALE_MESSAGE, log_path.read_text()
        assert failed.active_key is None and failed.result_key is None
        assert list(folder.iterdir()) == []  # the partial file is gone
