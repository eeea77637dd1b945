"""compose.yaml: the Compose specification's schema, `podman-compose config`, and .env.example.

`make compose-test` runs the Folio services for real (it needs the image); these tests
check what can be checked without it.
"""

import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema

from .tools import ROOT, executable, production_variables

COMPOSE = ROOT / "compose.yaml"
HOST_OVERRIDE = ROOT / "compose.host.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
FOLIO_SERVICES = {"migrate", "web", "events", "worker", "beat"}
LONG_RUNNING = {"postgres", "redis", "lake", "web", "events", "worker", "beat"}
ONE_OFF = {"migrate", "lake-bucket"}
# Read by the image's entry point and by boto3 (the lake), not by the settings modules.
OTHER_FOLIO_VARIABLES = {
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
}
# Added to the settings by the operations work (metrics and logs): listed already.
OPERATIONS_VARIABLES = {"METRICS_TOKEN", "LOG_FORMAT"}
# A line `NAME=value` or a commented default `# NAME=value`.
DOCUMENTED = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]*)=", re.M)


def documented_variables() -> set[str]:
    return set(DOCUMENTED.findall(ENV_EXAMPLE.read_text()))


def filled_env_file(folder: Path) -> Path:
    """.env.example with its required secrets given values, as a user's .env would be."""
    text = ENV_EXAMPLE.read_text()
    for name, value in {
        "POSTGRES_PASSWORD": "a-postgres-password",
        "LAKE_SECRET_KEY": "a-lake-secret-key",
        "DJANGO_SECRET_KEY": "q7Vd0-Jx3Lr_pW9sKe2TnYb8Uf4Hc6Ga1Zm5Oi0Rv7Xw3Ek9Sn2Dl8Pj4Bt6Qy1Cu",
    }.items():
        text = re.sub(rf"^{name}=$", f"{name}={value}", text, flags=re.M)
    path = folder / ".env"
    path.write_text(text)
    return path


def compose_config(env_file: Path, *files: Path) -> dict[str, Any]:
    """What podman-compose makes of the files, with the given .env (interpolated and merged)."""
    podman_compose = executable(ROOT / ".venv" / "bin" / "podman-compose", "pip install -r requirements.txt")
    executable("podman", "apt-get install podman")
    arguments = [podman_compose, "--env-file", str(env_file)]
    for file in files:
        arguments += ["-f", str(file)]
    result = subprocess.run(
        [*arguments, "config"],
        cwd=ROOT,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "FOLIO_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


def test_compose_yaml_follows_the_compose_specification() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())

    jsonschema.validate(compose, get_builtin_schema("vendor.compose-spec"))


def test_podman_compose_reads_the_whole_system(tmp_path: Path) -> None:
    config = compose_config(filled_env_file(tmp_path), COMPOSE)
    services = config["services"]

    assert set(services) == LONG_RUNNING | ONE_OFF
    for name in FOLIO_SERVICES:
        assert services[name]["image"] == "folio:latest"
        assert services[name]["env_file"][0]["path"] == str(tmp_path / ".env")
    assert [services[name]["command"] for name in ("web", "events", "worker", "beat", "migrate")] == [
        ["web"],
        ["events"],
        ["worker"],
        ["beat"],
        ["migrate"],
    ]
    # Web, worker and beat start only after migrate succeeded; migrate after the services.
    for name in ("web", "events", "worker", "beat"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    assert services["migrate"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "lake-bucket": {"condition": "service_completed_successfully"},
    }
    assert services["lake-bucket"]["depends_on"] == {"lake": {"condition": "service_healthy"}}
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], f"{name} has no health check"
        assert services[name]["restart"] == "unless-stopped"
    for name in ONE_OFF:
        assert services[name]["restart"] == "no"
    assert set(config["volumes"]) == {"postgres-data", "redis-data", "lake-data", "uploads"}
    # Web stores uploads that the worker imports: the same named volume.
    assert "uploads:/app/var/uploads" in services["web"]["volumes"]
    assert "uploads:/app/var/uploads" in services["worker"]["volumes"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "a-postgres-password"


def test_a_missing_secret_stops_compose_naming_it(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(ENV_EXAMPLE.read_text())  # copied, not filled in
    podman_compose = executable(ROOT / ".venv" / "bin" / "podman-compose", "pip install -r requirements.txt")
    executable("podman", "apt-get install podman")

    result = subprocess.run(
        [podman_compose, "--env-file", str(env_file), "-f", str(COMPOSE), "config"],
        cwd=ROOT,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "FOLIO_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr + result.stdout


def test_the_host_override_runs_only_folio_on_the_hosts_network(tmp_path: Path) -> None:
    services = compose_config(filled_env_file(tmp_path), COMPOSE, HOST_OVERRIDE)["services"]

    for name in FOLIO_SERVICES:
        assert services[name]["network_mode"] == "host"
    # migrate depends on nothing, so `up web worker beat` starts no database of its own.
    assert "depends_on" not in services["migrate"]
    assert "ports" not in services["web"]
    assert services["web"]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}


def test_env_example_documents_every_variable_folio_reads() -> None:
    read = production_variables() | OTHER_FOLIO_VARIABLES | OPERATIONS_VARIABLES

    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "WAREHOUSE_URL"} <= read  # the parse finds them
    assert sorted(read - documented_variables()) == []


def test_env_example_documents_every_variable_compose_interpolates() -> None:
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))

    assert {"POSTGRES_PASSWORD", "FOLIO_IMAGE"} <= interpolated
    # FOLIO_ENV_FILE is compose-test's own (it points at a generated file instead of .env).
    assert sorted(interpolated - {"FOLIO_ENV_FILE"} - documented_variables()) == []


def test_env_example_commits_no_secret() -> None:
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), flags=re.M))

    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "LAKE_SECRET_KEY"):
        assert values[name] == "", f"{name} must be left for the user to fill in"


@pytest.mark.parametrize("service", ["web", "events", "beat"])
def test_python_health_checks_compile(service: str) -> None:
    """The inline Python of the web and beat health checks is valid Python."""
    test = yaml.safe_load(COMPOSE.read_text())["services"][service]["healthcheck"]["test"]

    assert test[:3] == ["CMD", "python3", "-c"]
    compile(test[3], f"{service} health check", "exec")
