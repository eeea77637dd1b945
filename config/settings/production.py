"""Production settings: every secret comes from the environment, with no default."""

import os

from django.core.exceptions import ImproperlyConfigured

# What production cannot start without. Each has no default, or a laptop default that is
# wrong once web, worker and beat run in containers of their own: SQLite and a filesystem
# broker on one container's disk, a cache per process, only localhost as an allowed host.
# Every one that is missing is named at once, with what to set it to.
REQUIRED_VARIABLES = {
    "DJANGO_SECRET_KEY": "signs sessions and CSRF tokens; make one with "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
    "DJANGO_ALLOWED_HOSTS": "the host names Folio answers to, comma-separated, e.g. folio.example.com",
    "DATABASE_URL": "the PostgreSQL database, e.g. postgresql://folio:PASSWORD@db.internal:5432/folio",
    "REDIS_URL": "the Redis cache every process shares (CACHE_URL is read when it is unset), "
    "e.g. redis://redis.internal:6379/0",
    "CELERY_BROKER_URL": "the broker web, worker and beat share, e.g. redis://redis.internal:6379/1",
}


def _is_set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip())


_missing = [
    name for name in REQUIRED_VARIABLES if not _is_set(name) and not (name == "REDIS_URL" and _is_set("CACHE_URL"))
]
if _missing:
    raise ImproperlyConfigured(
        f"production settings need {len(_missing)} environment variable(s) that are not set (or empty):\n"
        + "\n".join(f"  {name}: {REQUIRED_VARIABLES[name]}" for name in _missing)
    )

# Imported after the check: base.py reads these variables too, and an empty DATABASE_URL
# would fail there with a KeyError instead of the message above.
from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
# Django's check security.W009 only warns, and only under `manage.py check --deploy`; a
# short or repetitive key signs every session and CSRF token, so refuse to start instead.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
if (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak ({len(SECRET_KEY)} characters, {len(set(SECRET_KEY))} different): "
        f"use at least {SECRET_KEY_MIN_LENGTH} random characters with at least {SECRET_KEY_MIN_UNIQUE} different "
        "ones, not a django-insecure- key. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and scrapers inside the network speak plain HTTP to the container: answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# A year, as HSTS preload lists ask; subdomains and preload are a domain-wide promise that
# only the domain's owner can make, hence opt-in.
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# The single sign-on callback URL Folio sends the provider is https:// even when a proxy's
# plain-HTTP hop reaches Folio without X-Forwarded-Proto: providers refuse http redirect URIs.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# One JSON object per line on stdout, for the platform's log collector (LOG_FORMAT=text to read them).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = logging_settings(LOG_FORMAT)  # noqa: F405  # base.py's, through the star import
