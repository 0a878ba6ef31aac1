"""gunicorn settings for Dân vận khéo: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Every value can be overridden by an environment variable (see docs/DEPLOY.md). The app keeps
no state in the process: sessions live in the signed cookie, rate-limit counters in Redis
(REDIS_URL), data in PostgreSQL (DATABASE_URL) and evidence on a shared volume
(UPLOAD_FOLDER), so any number of workers, and of machines, can serve the same site.
"""

from __future__ import annotations

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the app is database-bound and short requests dominate. Evidence
# uploads are streamed to disk by nginx first (proxy_request_buffering on), so a slow client
# never holds a worker.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)  # the 70,000-row Excel export is the longest request
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Load the app once in the master; workers fork from it (less memory, fails fast on bad config).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in {"0", "false", "no"}

# The app writes one JSON line per request itself (LOG_FORMAT=json), with the request id
# nginx passes as X-Request-Id, so gunicorn's access log is off; its error log goes to stderr.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
if os.environ.get("LOG_FORMAT", "json").lower() == "json":
    # gunicorn's own lines (boot, worker exits, timeouts) as JSON too, so every line of the
    # service's output parses the same way.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "danvankheo.ops.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": "WARNING", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
            # The app's own request line is the access log; gunicorn's only when asked for.
            "gunicorn.access": {"handlers": ["stderr"], "propagate": False,
                                "level": "INFO" if accesslog else "WARNING"},
        },
    }
# X-Forwarded-Proto is trusted from these addresses only (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "danvankheo"
# gunicorn's control socket (gunicornc) defaults to one path per user, which two instances on
# one machine would fight over: off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def post_fork(server, worker):
    """Each worker opens its own database connections: none may be inherited from the master."""
    try:
        from app import app as flask_app
        from danvankheo.extensions import db
    except Exception:  # the app was not preloaded; nothing to reset
        return
    with flask_app.app_context():
        db.engine.dispose(close=False)


# What the app made while loading (modules, the app, the mappers, Babel's data: about 230,000
# objects) is moved out of the garbage collector's reach. Its full collections then walk only
# what requests make: on a province's registry file they took up to 99 ms each, 4 ms frozen.
# Frozen in the master before the workers fork, the loaded app's memory also stays shared
# with them (copy-on-write).
def when_ready(server):
    if preload_app:
        gc.freeze()


def post_worker_init(worker):
    """A worker that loaded the app itself (GUNICORN_PRELOAD=0) freezes what it loaded."""
    gc.freeze()
