"""Configuration classes. Every setting can be given as an environment variable.

`APP_ENV` picks the class (development, testing, production); see docs/DEPLOY.md for the
full list of variables.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means "a SQLite file in the instance folder", resolved by create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")  # default: <instance>/evidence
    # Whole request limit; a single evidence file is limited by EVIDENCE_MAX_BYTES.
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 21 * 1024 * 1024)
    EVIDENCE_MAX_BYTES = _int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    EVIDENCE_ALLOWED_TYPES = tuple(
        os.environ.get("EVIDENCE_ALLOWED_TYPES", "pdf,docx,xlsx,jpg,png").split(",")
    )
    # The evidence storage backend, a key of danvankheo.evidence.storage.BACKENDS. Only
    # "filesystem" (files under UPLOAD_FOLDER) exists so far.
    EVIDENCE_STORAGE = os.environ.get("EVIDENCE_STORAGE", "filesystem")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    # Production refuses to start without SESSION_COOKIE_SECURE unless the operator says the
    # site is served over plain HTTP only (an intranet without TLS); see ProductionConfig.
    PLAIN_HTTP_ONLY = _bool("PLAIN_HTTP_ONLY")
    HSTS_ENABLED = _bool("HSTS_ENABLED")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BOOTSTRAP_SERVE_LOCAL = True
    TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Ho_Chi_Minh")

    # How this deployment names itself in the interface and in official documents.
    SECRETARIAT_NAME = os.environ.get("SECRETARIAT_NAME", "Phòng Nội vụ")
    PARENT_BODY_NAME = os.environ.get("PARENT_BODY_NAME", "UBND tỉnh Ninh Bình")
    ISSUING_BODY_NAME = os.environ.get("ISSUING_BODY_NAME", "Sở Nội vụ")
    DOCUMENT_PLACE_NAME = os.environ.get("DOCUMENT_PLACE_NAME", "Ninh Bình")
    DOCUMENT_NUMBER_SUFFIX = os.environ.get("DOCUMENT_NUMBER_SUFFIX", "SNV")
    # The signer of the secretariat's reports (ranking, compliance, periodic report, model
    # list): authority line, title, name. Empty ones print as dots, to be written by hand.
    DOCUMENT_SIGNER_AUTHORITY = os.environ.get("DOCUMENT_SIGNER_AUTHORITY", "")
    DOCUMENT_SIGNER_TITLE = os.environ.get("DOCUMENT_SIGNER_TITLE", "")
    DOCUMENT_SIGNER_NAME = os.environ.get("DOCUMENT_SIGNER_NAME", "")
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    # The proposal's Word documents (danvankheo.awards.documents): the awarding body that
    # issues the Quyết định (default: PARENT_BODY_NAME), its number suffix ("QĐ-UBND"), the
    # Tờ trình's "Kính gửi" (default: the authorities of the proposed award forms), and a
    # folder of edited .docx templates that replace those in templates/documents/.
    DECISION_PARENT_BODY_NAME = os.environ.get("DECISION_PARENT_BODY_NAME", "")
    DECISION_BODY_NAME = os.environ.get("DECISION_BODY_NAME", "")
    DECISION_NUMBER_SUFFIX = os.environ.get("DECISION_NUMBER_SUFFIX", "UBND")
    SUBMISSION_ADDRESSEE = os.environ.get("SUBMISSION_ADDRESSEE", "")
    DOCUMENT_TEMPLATE_FOLDER = os.environ.get("DOCUMENT_TEMPLATE_FOLDER")
    # PDFs of the documents and lists are printed by LibreOffice (`soffice --headless`);
    # without it (or with PDF_ENABLED=0) the pages offer Word and Excel files only.
    PDF_ENABLED = _bool("PDF_ENABLED", True)
    SOFFICE_PATH = os.environ.get("SOFFICE_PATH")  # default: soffice found on PATH
    # Seconds for one conversion; below GUNICORN_TIMEOUT so that a stuck LibreOffice fails the
    # request with a message instead of getting the worker killed.
    PDF_TIMEOUT = _int("PDF_TIMEOUT", 45)

    REDIS_URL = os.environ.get("REDIS_URL")
    # Empty means REDIS_URL when set, else per-process memory; see `validate`. Redis makes the
    # login throttle hold across every worker process and every server behind the same Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "danvankheo")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    # A Redis outage must not lock everybody out: the request goes through and the error is logged.
    RATELIMIT_SWALLOW_ERRORS = True

    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # email is skipped when unset
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "danvankheo@localhost")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 20)  # seconds to connect to and talk with the SMTP server
    # More emails than this from one request are left to the next `flask send-reminders` run.
    MAIL_AFTER_COMMIT_LIMIT = _int("MAIL_AFTER_COMMIT_LIMIT", 50)

    # Background jobs (công việc, /cong-viec) run on Huey. HUEY_URL: "redis://…" or
    # "sqlite:///path"; empty means REDIS_URL when set, else <instance>/huey.sqlite.
    HUEY_URL = os.environ.get("HUEY_URL")
    HUEY_IMMEDIATE = _bool("HUEY_IMMEDIATE")  # run jobs inside the request (tests only)
    JOBS_FOLDER = os.environ.get("JOBS_FOLDER")  # finished jobs' files; default <instance>/jobs
    # An export with more rows than this (ranking + score detail) runs as a job; smaller ones
    # are downloaded at once.
    JOB_EXPORT_THRESHOLD = _int("JOB_EXPORT_THRESHOLD", 20_000)
    # A periodic report when there are more units than this (several organisers' trees, a
    # national deployment) runs as a job.
    JOB_REPORT_THRESHOLD = _int("JOB_REPORT_THRESHOLD", 2_000)
    # An import of more spreadsheet rows than this runs as a job.
    JOB_IMPORT_THRESHOLD = _int("JOB_IMPORT_THRESHOLD", 500)
    # A proposal's dossier zip whose evidence files weigh more than this many megabytes, or
    # that holds more lines than JOB_DOSSIER_LINES, is built by a job.
    JOB_DOSSIER_THRESHOLD_MB = _int("JOB_DOSSIER_THRESHOLD_MB", 20)
    JOB_DOSSIER_LINES = _int("JOB_DOSSIER_LINES", 30)
    JOB_FILE_DAYS = _int("JOB_FILE_DAYS", 7)  # days a finished job's file stays downloadable
    # A running job whose worker has not written a heartbeat for this long is declared dead.
    JOB_STALE_SECONDS = _int("JOB_STALE_SECONDS", 120)
    JOB_HEARTBEAT_SECONDS = _int("JOB_HEARTBEAT_SECONDS", 10)
    JOB_CHUNK_ROWS = _int("JOB_CHUNK_ROWS", 2_000)  # rows between progress writes and checks
    # Seconds to sleep after each chunk: a test knob to watch a progress bar move; keep 0.
    JOB_CHUNK_DELAY = float(os.environ.get("JOB_CHUNK_DELAY") or 0)
    JOB_WORKERS = _int("JOB_WORKERS", 2)

    LOG_REQUESTS = _bool("LOG_REQUESTS", True)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # json (one object per line) or text
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # How many reverse proxies (nginx = 1) sit in front of the app: their X-Forwarded-For and
    # X-Forwarded-Proto are trusted, so rate limits see the client's address, not nginx's.
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    PAGE_SIZE = _int("PAGE_SIZE", 25)

    # The public survey (/y-kien/<code>, feedback/). Limits on answers sent, counted in the
    # rate-limit store (RATELIMIT_STORAGE_URI), in the `limits` notation.
    FEEDBACK_RATE_LIMIT_ENABLED = _bool("FEEDBACK_RATE_LIMIT_ENABLED", True)
    FEEDBACK_LIMIT_PER_ADDRESS = os.environ.get("FEEDBACK_LIMIT_PER_ADDRESS", "60 per 10 minutes")
    FEEDBACK_LIMIT_PER_DEVICE = os.environ.get("FEEDBACK_LIMIT_PER_DEVICE", "5 per 10 minutes")
    # A burst: at least this many answers to one model within the window, from at most
    # FEEDBACK_BURST_ADDRESSES distinct addresses (flagged for the secretariat).
    FEEDBACK_BURST_RESPONSES = _int("FEEDBACK_BURST_RESPONSES", 10)
    FEEDBACK_BURST_MINUTES = _int("FEEDBACK_BURST_MINUTES", 10)
    FEEDBACK_BURST_ADDRESSES = _int("FEEDBACK_BURST_ADDRESSES", 2)
    # Key of the hashes kept instead of addresses and device cookies; empty means derived
    # from SECRET_KEY. Changing it makes older hashes unmatchable (nothing else breaks).
    FEEDBACK_HASH_KEY = os.environ.get("FEEDBACK_HASH_KEY", "")
    # Seconds a worker keeps a province's list of communes for the answer page (0: never).
    FEEDBACK_RESIDENCE_CACHE_SECONDS = _int("FEEDBACK_RESIDENCE_CACHE_SECONDS", 300)
    # The short link printed on posters; empty means the request's own host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

    @classmethod
    def validate(cls, config: dict) -> None:
        """Derive settings that follow from others, then refuse unsafe ones (subclasses).

        Called by `create_app` after overrides, so `create_app({"REDIS_URL": ...})` is enough.
        """
        if not config.get("RATELIMIT_STORAGE_URI"):
            config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # A development secret is generated once into the instance folder by create_app.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    FEEDBACK_RATE_LIMIT_ENABLED = False  # tests/feedback switch it on where they test it
    FEEDBACK_RESIDENCE_CACHE_SECONDS = 0  # ids are reused between tests
    LOG_REQUESTS = False
    # Most tests post forms directly; tests/security checks CSRF with this switched on,
    # and the browser tests run with it on.
    WTF_CSRF_ENABLED = False
    # Fast hashing keeps the suite quick; production uses Werkzeug's default (scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    MAIL_SERVER = None
    # Jobs run inside the request unless a test starts a real worker.
    HUEY_IMMEDIATE = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    TESTING = False
    PROPAGATE_EXCEPTIONS = False

    _WEAK_SECRETS = {"", "dev", "changeme", "secret", "change-me"}

    @classmethod
    def validate(cls, config: dict) -> None:
        super().validate(config)
        secret = config.get("SECRET_KEY") or ""
        if secret.lower() in cls._WEAK_SECRETS or len(secret) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        # `flask run --debug` sets FLASK_DEBUG and wraps the app in Werkzeug's debugger (a
        # Python console in the browser) whatever DEBUG says; refuse to start instead.
        if config.get("DEBUG") or _bool("FLASK_DEBUG"):
            raise RuntimeError("DEBUG must be off in production (unset FLASK_DEBUG, do not use --debug).")
        # A session cookie without Secure travels in clear text over any HTTP request.
        if not config.get("SESSION_COOKIE_SECURE"):
            if not config.get("PLAIN_HTTP_ONLY"):
                raise RuntimeError(
                    "SESSION_COOKIE_SECURE=1 is required in production (the site is served over HTTPS). "
                    "A site served over plain HTTP only must say so with PLAIN_HTTP_ONLY=1."
                )
            import logging

            logging.getLogger("danvankheo").warning(
                "PLAIN_HTTP_ONLY=1: the session cookie is sent without Secure; serve the site over "
                "HTTPS and set SESSION_COOKIE_SECURE=1 as soon as possible"
            )
        config["REMEMBER_COOKIE_SECURE"] = bool(config.get("SESSION_COOKIE_SECURE"))


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
