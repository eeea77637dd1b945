"""Settings shared by every environment, read from the environment through one `env` object.

Every integration is switched on by a variable; when a variable is unset Folio falls back
to an embedded default (a lake directory, DuckDB files, SQLite), so a laptop needs no server at all.
"""

import ipaddress
import sys
from datetime import date
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from analytics.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Every embedded default lives here (database, lake, warehouse files, the broker's folders):
# FOLIO_VAR_DIR moves them all at once, e.g. for a benchmark beside a running demo.
VAR_DIR = Path(env.str("FOLIO_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First: its runserver replaces Django's, so `manage.py runserver` (make demo) serves ASGI,
    # the pages and API as before plus the live events' WebSocket and event stream.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "auditlog",  # the library behind the audit trail; Folio's own part is the `audit` app
    "workspaces",
    "audit",
    "alerts",
    "webhooks",
    "reports",
    "books",
    "finance",
    "analytics",
]

MIDDLEWARE = [
    # First, so that every request has its id (in its log lines and tasks) and is timed whole.
    "analytics.ops.middleware.RequestObservedMiddleware",
    # Before anything validates the Host: probes by IP are answered (their paths only).
    "analytics.ops.middleware.ProbeHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: the audit trail's actor, address and channel (admin, api, sso) for the request.
    "audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it times the view alone and sees the user the API authenticated.
    "analytics.api.middleware.ApiRequestLogMiddleware",
    "analytics.api.middleware.AnonymousApiThrottleMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides (the admin's "more than 10,000" pagination) come first.
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_config(url: str) -> dict:
    """One Django DATABASES entry from a URL, with the per-engine options Folio relies on."""
    config = env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while a generator or import writes; IMMEDIATE takes
        # the write lock at BEGIN so two writers queue instead of failing with "locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
            "transaction_mode": "IMMEDIATE",
        }
    else:
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_config(env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'folio.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default=env.str("CACHE_URL", default=""))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "folio",
            "OPTIONS": {
                # A slow or dead Redis must cost milliseconds, not a hung request.
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.2),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.2),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "folio",
            # Django's default of 300 entries culls a third of them whenever a dashboard's
            # presets and drill-downs pass it (a Locust run measured a 79 % hit rate).
            "OPTIONS": {"MAX_ENTRIES": env.int("LOCAL_CACHE_ENTRIES", default=20_000)},
        }
    }

# The live events (README "Live updates"): a published generation reaches open dashboards
# through a channel layer. With Redis, channels_redis' pub/sub layer: the process that publishes
# (worker or command) sends one message per affected workspace and every events process
# subscribed to that workspace's group gets it once and fans it out to its own sockets, so a
# publish costs a PUBLISH per workspace however many sockets are open (the list-based
# RedisChannelLayer would push one copy per socket). Nothing is queued for a process that is
# away: a socket that reconnects gets a hello with the generation served and refetches.
# Without Redis, the in-memory layer and a watcher in the ASGI process that polls the
# database (analytics/live/watcher.py): the one thing the web and worker processes share.
CHANNEL_LAYER_URL = env.str("CHANNEL_LAYER_URL", default=REDIS_URL)
if CHANNEL_LAYER_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Pub/sub channels ignore Redis' database number: the prefix keeps two Folios
            # (or a test run) sharing a server apart.
            "CONFIG": {"hosts": [CHANNEL_LAYER_URL], "prefix": env.str("CHANNEL_LAYER_PREFIX", default="folio")},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Where the dashboard opens its events socket when no proxy sends /ws/ to the events server
# beside the web (compose publishes it on its own port): the page's host on this port.
# Unset: the page's own origin (runserver serves both; a load balancer or Ingress routes /ws/).
LIVE_EVENTS_PORT = env.int("LIVE_EVENTS_PORT", default=None)

# The pipeline's parts (README "The warehouse pipeline"): lake, warehouse, task queue.
LAKE_URL = env.str("LAKE_URL", default=(VAR_DIR / "lake").as_uri())
WAREHOUSE_URL = env.str("WAREHOUSE_URL", default=f"duckdb:///{VAR_DIR / 'warehouse'}")
AWS_ENDPOINT_URL = env.str("AWS_ENDPOINT_URL", default="") or None
REDSHIFT_IAM_ROLE = env.str("REDSHIFT_IAM_ROLE", default="")
# The warehouse password when WAREHOUSE_URL carries none (e.g. read from Secrets Manager at start-up).
WAREHOUSE_PASSWORD = env.str("WAREHOUSE_PASSWORD", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# 45 s, not a round minute: a sale committed just after a sync's export waits one interval
# plus the next sync's duration (measured 2-8 s on 10M sales), and must be visible within 60 s.
SYNC_INTERVAL_SECONDS = env.int("SYNC_INTERVAL_SECONDS", default=45)
# A committed write asks for a sync (analytics/sync_requests.py), so a sale is visible in
# seconds; the schedule above stays as the safety net (and is all there is when false).
SYNC_ON_WRITE = env.bool("SYNC_ON_WRITE", default=True)
# The least time between the starts of two write-triggered syncs. Unset: by warehouse, 2 s
# for DuckDB and PostgreSQL, 60 s for Redshift, where every load has a cost.
SYNC_MIN_INTERVAL_SECONDS: float | None = env.float("SYNC_MIN_INTERVAL_SECONDS", default=None)
CELERY_QUEUE_DIR = VAR_DIR / "celery"


def filesystem_broker_options(queue_dir: Path) -> dict:
    """kombu's filesystem transport in `queue_dir` (made here): messages are files; producer
    and worker share the folder."""
    for folder in ("queue", "processed", "control"):
        (queue_dir / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir / "queue"),
        "data_folder_out": str(queue_dir / "queue"),
        "processed_folder": str(queue_dir / "processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(queue_dir / "control"),
        "store_processed": False,
        # How often an idle worker looks for new message files: kombu's default of 1 s
        # would be half of the 2 s a write may take to be visible.
        "polling_interval": 0.1,
    }


if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_QUEUE_DIR)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-sync leaves the message for the next one
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sync-warehouse": {
        "task": "analytics.tasks.sync_warehouse",
        "schedule": float(SYNC_INTERVAL_SECONDS),
        # A beat tick that waits longer than an interval is superseded by the next one.
        "options": {"expires": float(SYNC_INTERVAL_SECONDS)},
    },
    # Alerts whose window ends today, and reminders of firing alerts (README "Alerts, reports and webhooks").
    "alerts-beat": {"task": "alerts.tasks.alerts_beat", "schedule": 60.0, "options": {"expires": 60.0}},
    # Scheduled reports that are due, retries of deliveries, and old files swept (README "Scheduled reports").
    "reports-beat": {"task": "reports.tasks.reports_beat", "schedule": 60.0, "options": {"expires": 60.0}},
    "webhook-deliveries-requeue": {
        "task": "webhooks.tasks.webhook_deliveries_requeue",
        "schedule": float(env.int("WEBHOOK_REQUEUE_SECONDS", default=15)),
    },
}
# Each export re-reads this much before the last watermark, for rows whose transaction
# committed after an export had passed their timestamp (see analytics/export.py).
EXPORT_LOOKBACK_SECONDS = env.int("EXPORT_LOOKBACK_SECONDS", default=300)
# Old DuckDB generation files are removed this long after a newer one is published.
WAREHOUSE_GRACE_SECONDS = env.int("WAREHOUSE_GRACE_SECONDS", default=600)

# Reaching out (README "Alerts, reports and webhooks"). Email goes through Django's backend:
# SMTP when EMAIL_HOST is set, else each message is written as a file under var/mail (a
# laptop without a mail server loses nothing and can read what would have been sent).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Folio <folio@localhost>")
# The dashboard's address as the people reading an alert or a report reach it: the links in
# emails and webhook bodies start with it.
FOLIO_BASE_URL = env.str("FOLIO_BASE_URL", default="http://localhost:8000").rstrip("/")
# Webhook URLs may not point at private, loopback or link-local addresses (a webhook must not
# become a way into the internal network) unless their host is listed here.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
# One attempt waits this long for an answer (connect and each read).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# A failed attempt is retried after base × 2^(attempts − 1) seconds, at most the cap apart,
# until the window after the first attempt has passed; then the delivery has failed.
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)
WEBHOOK_RETRY_WINDOW_SECONDS = env.float("WEBHOOK_RETRY_WINDOW_SECONDS", default=24 * 3600.0)
# Scheduled reports (README "Scheduled reports"). Pages are printed by headless Chromium (the
# worker needs it installed); a file larger than the cap is linked rather than attached, and
# kept (for the link) this many days.
REPORT_CHROMIUM_PATH = env.str("REPORT_CHROMIUM_PATH", default="/usr/bin/chromium")
# Where the worker's browser reaches the web server, when not at FOLIO_BASE_URL (inside a
# cluster: http://web:8000). Plain HTTP there while FOLIO_BASE_URL is HTTPS: the browser's
# requests carry X-Forwarded-Proto: https, as the TLS-terminating load balancer's do.
REPORT_RENDER_URL = env.str("REPORT_RENDER_URL", default="").rstrip("/")
REPORT_RENDER_TIMEOUT = env.int("REPORT_RENDER_TIMEOUT", default=60)
REPORT_ATTACH_MAX_BYTES = env.int("REPORT_ATTACH_MAX_BYTES", default=10 * 1024 * 1024)
REPORT_KEEP_DAYS = env.int("REPORT_KEEP_DAYS", default=30)
# A failed delivery is tried again 1 min later, then 2, 4, … at most an hour apart, this many times in all.
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=6)
REPORT_RETRY_BASE_SECONDS = env.float("REPORT_RETRY_BASE_SECONDS", default=60.0)
REPORT_RETRY_MAX_SECONDS = env.float("REPORT_RETRY_MAX_SECONDS", default=3600.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None where nothing is collected (the tests)
# The dashboard: `npm run build` in frontend/ writes dist/ (index.html and assets/); its
# files are static files (/static/assets/…), and index.html answers every page's URL.
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
# Files Folio keeps (the scheduled reports' files, under reports/): the web server and the
# worker must see the same ones (one volume, or another `default` storage such as S3).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    # The token authenticator comes first: DRF answers 401 with its WWW-Authenticate
    # header to anonymous callers (with session first it would be 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "analytics.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["analytics.api.throttling.PerUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_THROTTLE_RATE", default="1200/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only; an upload endpoint names its own multipart parser.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "analytics.api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,  # money leaves as exact decimal strings
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Folio analytics API",
    "DESCRIPTION": (
        "Book-sales and public-finance analytics answered from Folio's warehouse. Every answer says "
        "which warehouse generation it comes from and what time its data is as of. Money is an exact "
        "decimal string. Authenticate with a session (the dashboard) or a personal token: "
        "`Authorization: Bearer folio_…`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Routes answer with and without a trailing slash; the schema documents the declared one.
    "PREPROCESSING_HOOKS": ["analytics.api.routes.schema_one_spelling"],
    # The schema and docs describe the API, not its data: readable without logging in
    # (the dashboard's build generates its TypeScript types from it).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The alerts' and subscriptions' choices under names of their own (a bare StateEnum or KindEnum would clash).
    "ENUM_NAME_OVERRIDES": {
        "AlertConditionEnum": "alerts.models.Condition",
        "AlertStateEnum": "alerts.models.AlertState",
        "AlertWindowAnchorEnum": "alerts.models.WindowAnchor",
        "AlertEventKindEnum": "alerts.models.EventKind",
        "AlertNotifiedEnum": "alerts.models.Notified",
        "AlertBucketEnum": "alerts.models.WATCHED_BUCKETS",
        "AlertQuestionEnum": "alerts.models.WATCHABLE_QUESTIONS",
        "SubscriptionTargetEnum": "reports.models.Target",
        "SubscriptionPageEnum": "reports.models.PAGES",
        "SubscriptionQuestionEnum": "reports.models.SUBSCRIBABLE_QUESTIONS",
        "SubscriptionFormatEnum": "reports.models.ReportFormat",
        "SubscriptionDeliveryModeEnum": "reports.models.DeliveryMode",
        "SubscriptionScheduleEnum": "reports.models.Schedule",
        "SubscriptionTriggerEnum": "reports.models.Trigger",
        "SubscriptionDeliveryStatusEnum": "reports.models.DeliveryStatus",
    },
}
# Which proxies' X-Forwarded-For entries name the client (analytics/client_address.py):
# by default none, and the socket's peer is the client. Behind an AWS load balancer,
# NUM_PROXIES=1; or list the proxies' networks in TRUSTED_PROXIES (CIDRs).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _network in TRUSTED_PROXIES:
    ipaddress.ip_network(_network, strict=False)  # a typo stops the start, naming the value
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# Failed logins (the API and the admin) lock an account, and an address, out for the window.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# Single sign-on (README "Single sign-on"): django-allauth signs people in with Google and/or
# one OpenID Connect provider, each switched on by its variables. Folio's own password sign-in
# (/api/auth/login/) stays for small installs; PASSWORD_LOGIN=false switches it off. The Django
# admin keeps its password form either way: it is the operators' way in when the provider is down.
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
# Sign-in by username and password as Django's own backend does; a session's user comes with
# their workspace memberships in the same query (workspaces/auth.py). Django's backend stays
# listed so that sessions signed in before it keep working.
AUTHENTICATION_BACKENDS = ["workspaces.auth.MemberBackend", "django.contrib.auth.backends.ModelBackend"]
# Database sessions as Django keeps them, read with one prepared SELECT (config/sessions.py).
SESSION_ENGINE = "config.sessions"
LOGIN_URL = "/login"  # the dashboard's sign-in page, which shows a button per provider
LOGIN_REDIRECT_URL = "/"
# allauth serves social sign-in only: its password login, signup, password reset and email
# pages do not exist (Folio's password sign-in is its own, above). Providers' emails count
# only when they say verified (workspaces.sign_on), so allauth sends no verification mail.
SOCIALACCOUNT_ONLY = True
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_ADAPTER = "workspaces.sign_on.InvitedOnlySocialAccountAdapter"
# The provider's email and name make the user: no intermediate signup form.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False  # Folio calls no provider API after sign-in
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
if OIDC_SERVER_URL:
    # The id names the callback URL to register at the provider: /accounts/oidc/<id>/login/callback/.
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="sso"),
                "name": env.str("OIDC_NAME", default="Single sign-on"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "SCOPE": ["openid", "email", "profile"],
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [{"client_id": env.str("GOOGLE_CLIENT_ID"), "secret": env.str("GOOGLE_CLIENT_SECRET")}],
    }
# Personal API tokens: lifetime when the owner does not choose one, and the longest allowed.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
# One JSON line per API request (endpoint, status, ms, cache); `manage.py perf_report` reads it.
API_LOG_PATH = env.path("API_LOG_PATH", default=VAR_DIR / "log" / "api.jsonl")
# Files uploaded for import (API and admin) are kept here with their rejects CSV.
IMPORT_UPLOAD_DIR = env.path("IMPORT_UPLOAD_DIR", default=VAR_DIR / "uploads")
# An upload stops at this size while it streams (analytics/upload_limit.py), answered 413.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=512 * 1024 * 1024)
# The upload is deleted when its job finishes; its rejects file is kept this many days.
IMPORT_REJECTS_DAYS = env.int("IMPORT_REJECTS_DAYS", default=7)
# A request's form fields other than files (Django's default): no form of Folio's comes near it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded files larger than this are streamed to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The plausible-date window every write checks (imports, admin, generators; config/date_window.py):
# one sale dated 0001-01-01 or ledger row dated 9999-12-31 broke the default views for everyone.
# The latest bound moves with today, so no database constraint can hold it: code checks it.
try:
    FOLIO_EARLIEST_DATE = date.fromisoformat(env.str("FOLIO_EARLIEST_DATE", default="1900-01-01"))
except ValueError:
    raise ImproperlyConfigured("FOLIO_EARLIEST_DATE must be a date in the form YYYY-MM-DD") from None
FOLIO_LATEST_DAYS_AHEAD = env.int("FOLIO_LATEST_DAYS_AHEAD", default=366)
# How long a cached answer lives; a new generation makes it unreachable sooner.
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=24 * 3600)
# One warehouse read is cancelled after this long (DuckDB interrupt, statement_timeout on
# PostgreSQL and Redshift) and answered 503, so a stuck question cannot hold a web worker.
API_QUERY_TIMEOUT_SECONDS = env.float("API_QUERY_TIMEOUT_SECONDS", default=15.0)
# A CSV or XLSX export holds at most this many rows (a 36.5K-row XLSX took 3.7 s to render).
API_EXPORT_MAX_ROWS = env.int("API_EXPORT_MAX_ROWS", default=100_000)
# What one CSV or XLSX export counts for in the request throttle (a JSON answer counts 1).
API_EXPORT_THROTTLE_COST = env.int("API_EXPORT_THROTTLE_COST", default=10)

# /metrics answers only to this bearer token; unset, /metrics does not exist (404).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# A folder where each web worker process writes its counters for /metrics to add up
# (prometheus-client's multiprocess mode); empty it when the server starts. Unset, /metrics
# shows the counters of the process that answers it (right for one process, not for several).
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

# The audit trail (README "Audit trail"): django-auditlog writing into Folio's own table, whose
# extra columns (workspace, channel, event, counts) the History page and /api/audit/ filter on.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# Changes keep JSON types (null, numbers, booleans); decimals and dates are exact strings.
AUDITLOG_STORE_JSON_CHANGES = True
# Fixtures and `loaddata` (raw saves) are bulk loads too: no entry per row.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# An export of the History page holds at most this many entries.
AUDIT_EXPORT_MAX_ROWS = env.int("AUDIT_EXPORT_MAX_ROWS", default=100_000)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Logs go to stdout (web, worker, beat), except a management command's: its stdout is its
# output (`manage.py ask --format csv > out.csv`), so its log lines go to stderr.
LOG_STREAM = "stderr" if Path(sys.argv[0]).name == "manage.py" else "stdout"


def logging_settings(log_format: str) -> dict:
    """LOGGING for LOG_FORMAT (json: one JSON object per line; text) at LOG_LEVEL, on LOG_STREAM."""
    try:
        return logging_config(log_format, LOG_LEVEL, LOG_STREAM)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


# Readable text on a laptop; production.py makes JSON lines the default.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = logging_settings(LOG_FORMAT)
