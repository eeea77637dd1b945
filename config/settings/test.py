"""Settings for the test suite: the embedded defaults plus the real services CI provides.

`default` is SQLite unless DATABASE_URL says otherwise. The `postgres` alias points at a
real PostgreSQL (TEST_POSTGRES_URL) for the tests that must run on both; conftest.py
skips them with a reason when that server is absent, or fails them when CI=true.
"""

import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, database_config, env, filesystem_broker_options


def reachable(url: str) -> bool:
    """Whether something listens at the URL's host and port (a quick TCP connect)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=0.5):
            return True
    except OSError:
        return False


SECRET_KEY = "folio-test-key"
DEBUG = False
STATIC_ROOT = None  # WhiteNoise serves from the finders in tests; no collectstatic needed
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test run gets its own lake and warehouse, never the developer's var/.
TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="folio-tests-"))
LAKE_URL = (TEST_DATA_DIR / "lake").as_uri()
WAREHOUSE_URL = f"duckdb:///{TEST_DATA_DIR / 'warehouse'}"
# Nor its var/ folder: the sync lock, the Celery queue folder and mail files are this run's
# own, so two test processes (pytest-xdist workers) or a demo beside them never share one.
VAR_DIR = TEST_DATA_DIR
CELERY_QUEUE_DIR = TEST_DATA_DIR / "celery"
CELERY_BEAT_SCHEDULE_FILENAME = str(TEST_DATA_DIR / "celerybeat-schedule")
EMAIL_FILE_PATH = str(TEST_DATA_DIR / "mail")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_QUEUE_DIR)
CELERY_TASK_ALWAYS_EAGER = False
# Writes queue no sync in the suite (their messages would land in var/celery); the tests of
# write-triggered syncs turn it on with a broker of their own.
SYNC_ON_WRITE = False

TEST_POSTGRES_URL: str = env.str("TEST_POSTGRES_URL", default="postgresql://postgres@127.0.0.1:5432/folio")
TEST_REDIS_URL: str = env.str("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")


def worker_urls(postgres_url: str, redis_url: str, worker: str) -> tuple[str, str]:
    """The service URLs of one pytest-xdist worker ("gw0", "gw1"…): its own PostgreSQL
    database name (every database the suite derives from it follows) and its own Redis
    database, counting down from the one given, so that two workers never share a
    database, a flushed Redis or a queue."""
    index = int(worker.removeprefix("gw"))
    postgres = urlsplit(postgres_url)
    name = postgres.path.strip("/") or "folio"
    redis = urlsplit(redis_url)
    given = int(redis.path.strip("/") or 0)
    number = given - index
    if number < 0:
        raise ValueError(f"TEST_REDIS_URL's database {given} leaves none for xdist worker {worker}")
    return postgres._replace(path=f"/{name}_{worker}").geturl(), redis._replace(path=f"/{number}").geturl()


XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")
if XDIST_WORKER:
    TEST_POSTGRES_URL, TEST_REDIS_URL = worker_urls(TEST_POSTGRES_URL, TEST_REDIS_URL, XDIST_WORKER)

POSTGRES_AVAILABLE = reachable(TEST_POSTGRES_URL)
REDIS_AVAILABLE = reachable(TEST_REDIS_URL)

# Defined only when the server answers, so that a laptop without PostgreSQL still runs the
# rest of the suite; the fixtures in conftest.py turn its absence into a skip or a CI failure.
if POSTGRES_AVAILABLE:
    DATABASES["postgres"] = database_config(TEST_POSTGRES_URL)
    DATABASES["postgres"]["CONN_MAX_AGE"] = 0

# moto's S3 server logs every request at INFO; keep test output about Folio.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {"werkzeug": {"level": "WARNING"}},
}
API_LOG_PATH = TEST_DATA_DIR / "log" / "api.jsonl"
MEDIA_ROOT = TEST_DATA_DIR / "media"
IMPORT_UPLOAD_DIR = TEST_DATA_DIR / "uploads"
# The webhook tests' receivers listen on loopback; the refusal tests set it back to [].
WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
