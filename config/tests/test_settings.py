"""Settings come from the environment, with the embedded defaults when a variable is unset."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.core.cache import cache
out = {
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "lake": settings.LAKE_URL,
    "warehouse": settings.WAREHOUSE_URL,
    "broker": settings.CELERY_BROKER_URL,
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD],
}
if "redis" in out["cache"]:
    try:
        cache.set("folio-settings-probe", "41 + 1", 30)
        out["cache_roundtrip"] = cache.get("folio-settings-probe")
        cache.delete("folio-settings-probe")
    except Exception as error:  # the production probes name a Redis that is not there
        out["cache_roundtrip"] = f"unreachable: {type(error).__name__}"
print(json.dumps(out))
"""
FOLIO_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "LAKE_URL",
    "WAREHOUSE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXIES",
    "NUM_PROXIES",
)
# 64 characters of token_urlsafe: what `secrets.token_urlsafe(50)` (as the error message advises) looks like.
STRONG_KEY = "q7Vd0-Jx3Lr_pW9sKe2TnYb8Uf4Hc6Ga1Zm5Oi0Rv7Xw3Ek9Sn2Dl8Pj4Bt6Qy1Cu"
# What production cannot start without (config/settings/production.py REQUIRED_VARIABLES).
# Nothing listens on port 1: the probe's cache round trip fails fast instead of waiting.
PRODUCTION = {
    "DJANGO_SECRET_KEY": STRONG_KEY,
    "DJANGO_ALLOWED_HOSTS": "folio.example.com",
    "DATABASE_URL": "postgresql://folio:pw@db.internal:5432/folio",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/1",
}


def settings_seen(module: str, **variables: str) -> subprocess.CompletedProcess:
    """Start a fresh Python with only the given Folio variables set, and read its settings."""
    env = {key: value for key, value in os.environ.items() if key not in FOLIO_VARIABLES}
    env.update(variables, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_with_no_variables_folio_uses_the_embedded_defaults() -> None:
    seen = json.loads(settings_seen("config.settings.local").stdout)

    assert seen["db_engine"] == "django.db.backends.sqlite3"
    assert seen["db_name"] == str(ROOT / "var" / "folio.sqlite3")
    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert seen["lake"] == (ROOT / "var" / "lake").as_uri()
    assert seen["warehouse"] == f"duckdb:///{ROOT / 'var' / 'warehouse'}"
    assert seen["broker"] == "filesystem://"


def test_database_url_switches_to_postgresql() -> None:
    seen = json.loads(
        settings_seen("config.settings.local", DATABASE_URL="postgresql://folio:pw@db.internal:5432/folio").stdout
    )

    assert (seen["db_engine"], seen["db_name"]) == ("django.db.backends.postgresql", "folio")


def test_redis_url_switches_the_cache_to_a_real_redis(redis_url: str) -> None:
    seen = json.loads(settings_seen("config.settings.local", REDIS_URL=redis_url).stdout)

    assert seen["cache"] == "django_redis.cache.RedisCache"
    assert seen["cache_roundtrip"] == "41 + 1"


def test_production_refuses_to_start_naming_every_missing_variable() -> None:
    seen = settings_seen("config.settings.production")

    assert seen.returncode != 0
    assert "production settings need 5 environment variable(s) that are not set (or empty)" in seen.stderr
    for name in PRODUCTION:
        assert f"\n  {name}: " in seen.stderr


@pytest.mark.parametrize("name", list(PRODUCTION))
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_each_required_variable(name: str, value: str | None) -> None:
    variables = {key: setting for key, setting in PRODUCTION.items() if key != name}
    if value is not None:
        variables[name] = value

    seen = settings_seen("config.settings.production", **variables)

    assert seen.returncode != 0
    assert "need 1 environment variable(s)" in seen.stderr
    assert f"\n  {name}: " in seen.stderr


def test_production_takes_cache_url_for_the_redis_url() -> None:
    variables = {key: setting for key, setting in PRODUCTION.items() if key != "REDIS_URL"}

    seen = settings_seen("config.settings.production", **variables, CACHE_URL="redis://127.0.0.1:1/0")

    assert seen.returncode == 0, seen.stderr
    assert json.loads(seen.stdout)["cache"] == "django_redis.cache.RedisCache"


@pytest.mark.parametrize(
    "key",
    ["x", "a" * 64, "abcd" * 16, "django-insecure-" + STRONG_KEY, STRONG_KEY[:49]],
    ids=["one-character", "one-letter-repeated", "four-letters", "django-insecure", "49-characters"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key: str) -> None:
    seen = settings_seen("config.settings.production", **{**PRODUCTION, "DJANGO_SECRET_KEY": key})

    assert seen.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in seen.stderr
    assert "at least 50 random characters with at least 5 different ones" in seen.stderr
    assert len(key) < 8 or key not in seen.stderr  # never echoed (a short one is in any traceback)


def test_production_starts_with_a_strong_key_and_a_year_of_hsts() -> None:
    seen = settings_seen("config.settings.production", **PRODUCTION)

    assert seen.returncode == 0, seen.stderr
    assert json.loads(seen.stdout)["hsts"] == [31_536_000, False, False]


def test_hsts_subdomains_and_preload_are_opt_in() -> None:
    seen = settings_seen(
        "config.settings.production",
        **PRODUCTION,
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        DJANGO_SECURE_HSTS_PRELOAD="true",
    )

    assert json.loads(seen.stdout)["hsts"] == [31_536_000, True, True]


def test_a_trusted_proxy_that_is_not_a_network_stops_the_start() -> None:
    seen = settings_seen("config.settings.local", TRUSTED_PROXIES="10.0.0.0/8,10.0.0.0/33")

    assert seen.returncode != 0
    assert "'10.0.0.0/33' does not appear to be an IPv4 or IPv6 network" in seen.stderr


def test_each_xdist_worker_gets_its_own_postgresql_database_and_redis_database() -> None:
    from config.settings.test import worker_urls

    postgres, redis = "postgresql://postgres@127.0.0.1:5432/folio_ci", "redis://127.0.0.1:6379/14"

    assert worker_urls(postgres, redis, "gw0") == (
        "postgresql://postgres@127.0.0.1:5432/folio_ci_gw0",
        "redis://127.0.0.1:6379/14",
    )
    assert worker_urls(postgres, redis, "gw1") == (
        "postgresql://postgres@127.0.0.1:5432/folio_ci_gw1",
        "redis://127.0.0.1:6379/13",
    )
    with pytest.raises(ValueError, match="TEST_REDIS_URL's database 14 leaves none for xdist worker gw15"):
        worker_urls(postgres, redis, "gw15")


def test_the_suite_keeps_its_sync_lock_queue_and_mail_out_of_var() -> None:
    from django.conf import settings

    from config.settings.test import TEST_DATA_DIR

    assert settings.VAR_DIR == TEST_DATA_DIR != ROOT / "var"
    assert Path(settings.EMAIL_FILE_PATH).parent == TEST_DATA_DIR
    assert Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent == TEST_DATA_DIR
