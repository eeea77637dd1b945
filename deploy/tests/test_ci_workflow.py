""".github/workflows/ci.yml against GitHub's workflow schema (actionlint cannot be installed
from the registries here: its PyPI wrapper downloads the binary at build time), and the
jobs the project's CI promises: lint, test, the image, checkov.
"""

import json
import subprocess
from typing import Any

import jsonschema
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema

from .tools import ROOT, executable

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def workflow() -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True; GitHub reads it as the string "on".
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return {("on" if key is True else key): value for key, value in loaded.items()}


def steps_run(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_the_workflow_follows_githubs_schema() -> None:
    jsonschema.validate(workflow(), get_builtin_schema("vendor.github-workflows"))


def test_lint_test_image_and_checkov_jobs() -> None:
    jobs = workflow()["jobs"]

    assert set(jobs) == {"lint", "test", "image", "checkov"}
    assert "make lint" in steps_run(jobs["lint"])
    assert "make image" in steps_run(jobs["image"])
    assert "make image-test" in steps_run(jobs["image"])
    checkov = steps_run(jobs["checkov"])
    assert "make tools" in checkov
    for target in ("deploy/kubernetes", "-d terraform", ".github/workflows/ci.yml"):
        assert target in checkov


def test_the_tests_run_against_real_services_with_debians_chromium() -> None:
    test = workflow()["jobs"]["test"]

    assert test["container"].startswith("debian:")
    assert set(test["services"]) == {"postgres", "redis"}
    assert test["env"]["CI"] == "true"
    assert test["env"]["TEST_POSTGRES_URL"].startswith("postgresql://postgres@postgres:5432/")
    assert test["env"]["TEST_REDIS_URL"].startswith("redis://redis:6379/")
    run = steps_run(test)
    assert "apt-get install" in run
    assert "chromium" in run
    assert "podman" in run  # compose's checks run podman-compose
    assert "make test" in run
    # The image job's services listen on the runner itself, where --network host reaches them.
    image = workflow()["jobs"]["image"]
    assert image["services"]["postgres"]["ports"] == ["5432:5432"]
    assert image["services"]["redis"]["ports"] == ["6379:6379"]


def test_every_job_has_a_time_limit_and_the_token_reads_only() -> None:
    assert workflow()["permissions"] == {"contents": "read"}
    for name, job in workflow()["jobs"].items():
        assert job["timeout-minutes"] <= 60, name


def test_checkov_passes_the_workflow() -> None:
    checkov = executable(ROOT / ".venv" / "tools" / "bin" / "checkov", "make tools")
    result = subprocess.run(
        [checkov, "--skip-download", "--output", "json", "--framework", "github_actions", "-f", str(WORKFLOW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)

    assert report["results"]["failed_checks"] == []
    assert report["summary"]["passed"] > 0
    assert result.returncode == 0, result.stderr
