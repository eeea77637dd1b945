"""Settings come from the environment, with the embedded defaults when a variable is unset."""

import json
import os
import subprocess
import sys
from pathlib import Path

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
}
if "redis" in out["cache"]:
    cache.set("folio-settings-probe", "41 + 1", 30)
    out["cache_roundtrip"] = cache.get("folio-settings-probe")
    cache.delete("folio-settings-probe")
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
)


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


def test_production_refuses_to_start_without_a_secret_key() -> None:
    seen = settings_seen("config.settings.production")

    assert seen.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in seen.stderr
