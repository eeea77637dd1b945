"""Static checks of terraform/: it parses, its variables are all used and documented, the ECS
task definitions set every variable production settings read, and checkov passes.

Nothing here talks to AWS or downloads a provider: `terraform validate` and `plan` are not
run (terraform/README.md says so).
"""

import ast
import functools
import inspect
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import environ
import hcl2
import pytest
from hcl2.utils import SerializationOptions

TERRAFORM_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = TERRAFORM_DIR.parent
SETTINGS_DIR = REPO_ROOT / "config" / "settings"
TF_FILES = sorted(TERRAFORM_DIR.glob("*.tf"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Variables production reads that the task definitions leave unset on purpose, because
# their default is right there. Keep it short: anything that tunes production belongs in
# ecs.tf's settings_environment, where an operator sees it.
# No SES resource yet: unset, emails are kept as files in the container, not delivered.
NO_SES = "not yet set by terraform (no SES resource): emails are kept as files, not delivered"
SAFE_DEFAULTS = {
    "AUDIT_EXPORT_MAX_ROWS": "caps one CSV export of the audit trail; the default suits production",
    "CACHE_URL": "an alias read only when REDIS_URL is unset, and REDIS_URL is set",
    "CHANNEL_LAYER_URL": "the live events' Redis; unset, the REDIS_URL ElastiCache, which is set",
    "CHANNEL_LAYER_PREFIX": "names the live events' pub/sub channels; one Folio per Redis here",
    "AWS_ENDPOINT_URL": "for S3 stand-ins (MinIO, moto); unset means AWS itself",
    "LOCAL_CACHE_ENTRIES": "sizes the local-memory cache, unused once REDIS_URL is set",
    "WAREHOUSE_GRACE_SECONDS": "ages DuckDB generation files; the warehouse here is Redshift",
    "LIVE_EVENTS_PORT": "the load balancer routes /ws/ to the events service: pages use their own origin",
    "FOLIO_VAR_DIR": "holds the embedded defaults; here every one is a service (RDS, S3, Redshift, Redis)",
    "TRUSTED_PROXIES": "the alternative to NUM_PROXIES, which is set for the load balancer",
    "PROMETHEUS_MULTIPROC_DIR": "the image's entry point sets it for web (deploy/entrypoint.sh)",
    # Alerts, reports and webhooks: tunables whose defaults suit production, and what terraform
    # does not provide yet (SES, a shared report storage, the Chromium worker): see the issue 14 note.
    "DEFAULT_FROM_EMAIL": NO_SES,
    "EMAIL_BACKEND": NO_SES,
    "EMAIL_HOST": NO_SES,
    "EMAIL_HOST_PASSWORD": NO_SES,
    "EMAIL_HOST_USER": NO_SES,
    "EMAIL_PORT": NO_SES,
    "EMAIL_TIMEOUT": NO_SES,
    "EMAIL_USE_SSL": NO_SES,
    "EMAIL_USE_TLS": NO_SES,
    "FOLIO_BASE_URL": "not yet set by terraform: links in emails and webhooks then point at localhost",
    "MEDIA_ROOT": "report files; the worker and web do not share it on ECS yet (link deliveries 404 there)",
    "REPORT_RENDER_URL": "unset, the worker opens FOLIO_BASE_URL through the load balancer",
    "REPORT_ATTACH_MAX_BYTES": "a tunable whose default suits production",
    "REPORT_CHROMIUM_PATH": "a tunable whose default suits production",
    "REPORT_KEEP_DAYS": "a tunable whose default suits production",
    "REPORT_MAX_ATTEMPTS": "a tunable whose default suits production",
    "REPORT_RENDER_TIMEOUT": "a tunable whose default suits production",
    "REPORT_RETRY_BASE_SECONDS": "a tunable whose default suits production",
    "REPORT_RETRY_MAX_SECONDS": "a tunable whose default suits production",
    "WEBHOOK_REQUEUE_SECONDS": "a tunable whose default suits production",
    "WEBHOOK_RETRY_BASE_SECONDS": "a tunable whose default suits production",
    "WEBHOOK_RETRY_MAX_SECONDS": "a tunable whose default suits production",
    "WEBHOOK_RETRY_WINDOW_SECONDS": "a tunable whose default suits production",
    "WEBHOOK_TIMEOUT_SECONDS": "a tunable whose default suits production",
    "WEBHOOK_ALLOWED_HOSTS": "empty: webhooks may reach public addresses only, as production wants",
    # Single sign-on is opt-in (README "Single sign-on"): unset, sign-in is by password only.
    "PASSWORD_LOGIN": "true unless single sign-on is set up; the deployment adds it then",
    "OIDC_SERVER_URL": "unset: no OpenID Connect provider",
    "OIDC_CLIENT_ID": "read only with OIDC_SERVER_URL",
    "OIDC_CLIENT_SECRET": "read only with OIDC_SERVER_URL (a secret: app_secrets when set)",
    "OIDC_NAME": "read only with OIDC_SERVER_URL",
    "OIDC_PROVIDER_ID": "read only with OIDC_SERVER_URL",
    "GOOGLE_CLIENT_ID": "unset: no Google sign-in",
    "GOOGLE_CLIENT_SECRET": "read only with GOOGLE_CLIENT_ID (a secret: app_secrets when set)",
}


def tool_missing(message: str) -> None:
    """Skip (fail in CI) a check whose tool is not installed."""
    if IN_CI:
        pytest.fail(f"{message} (CI=true: the check must run)")
    pytest.skip(message)


@functools.cache
def load(path: Path) -> dict[str, Any]:
    """One file's blocks, parsed once per run (python-hcl2 takes a while)."""
    with path.open() as handle:
        return hcl2.load(handle, serialization_options=SerializationOptions(with_comments=False))


def unquote(label: str) -> str:
    """python-hcl2 keeps the quotes of block labels and string values."""
    return label.strip('"')


def blocks(kind: str) -> list[dict[str, Any]]:
    """Every top-level block of one kind (locals, variable, resource, ...) in every file."""
    return [block for path in TF_FILES for block in load(path).get(kind, [])]


def resource(kind: str, name: str) -> dict[str, Any]:
    """The body of `resource "<kind>" "<name>"`."""
    (body,) = [block[f'"{kind}"'][f'"{name}"'] for block in blocks("resource") if f'"{kind}"' in block]
    return body


def locals_named(name: str) -> Any:
    values = [block[name] for block in blocks("locals") if name in block]
    assert len(values) == 1, f"local {name} is defined {len(values)} times"
    return values[0]


def settings_modules(module: Path) -> list[Path]:
    """The settings module and every sibling it imports from, depth first (production → base)."""
    found = [module]
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            sibling = SETTINGS_DIR / f"{node.module}.py"
            if sibling.is_file() and sibling not in found:
                found += [path for path in settings_modules(sibling) if path not in found]
    return found


# django-environ's readers: every Env method whose first argument is the variable's name.
ENV_READERS = {
    name
    for name, function in inspect.getmembers(environ.Env, inspect.isfunction)
    if list(inspect.signature(function).parameters)[1:2] == ["var"] and not name.startswith("_")
}


def variables_read(module: Path) -> set[str]:
    """Names passed as a literal to env(...) or env.<reader>(...) in one module."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        is_reader = (isinstance(function, ast.Name) and function.id == "env") or (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "env"
            and function.attr in ENV_READERS
        )
        first = node.args[0]
        if is_reader and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def production_variables() -> set[str]:
    return set().union(*(variables_read(module) for module in settings_modules(SETTINGS_DIR / "production.py")))


def task_definition_variables() -> set[str]:
    """Names the ECS task definitions set, as environment or from Secrets Manager."""
    environment = locals_named("settings_environment")
    web_environment = locals_named("web_environment")
    secrets = locals_named("app_secrets")
    assert isinstance(environment, dict) and isinstance(web_environment, dict) and isinstance(secrets, dict), (
        "settings_environment, web_environment and app_secrets must be literal maps"
    )
    return set(environment) | set(web_environment) | set(secrets)


@pytest.mark.parametrize("path", TF_FILES, ids=[path.name for path in TF_FILES])
def test_every_tf_file_parses(path: Path) -> None:
    assert load(path), f"{path.name} is empty"


def test_every_variable_is_documented_and_used() -> None:
    declared = {unquote(name): body for block in blocks("variable") for name, body in block.items()}
    assert declared
    undocumented = sorted(name for name, body in declared.items() if not str(body.get("description", "")).strip())
    assert not undocumented, f"variables without a description: {undocumented}"
    # Outside variables.tf, where a validation block mentions its own variable.
    sources = "\n".join(path.read_text() for path in TF_FILES if path.name != "variables.tf")
    unused = sorted(name for name in declared if not re.search(rf"\bvar\.{name}\b", sources))
    assert not unused, f"variables declared but never used: {unused}"


def test_the_example_tfvars_sets_only_declared_variables() -> None:
    declared = {unquote(name) for block in blocks("variable") for name in block}
    example = load(TERRAFORM_DIR / "terraform.tfvars.example")
    assert set(example) <= declared, f"undeclared in terraform.tfvars.example: {sorted(set(example) - declared)}"


def test_settings_parsing_finds_the_variables_production_requires() -> None:
    read = production_variables()
    # A reader this test fails to recognise would make the next test pass vacuously.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG"} <= read


def test_task_definitions_set_every_variable_production_reads() -> None:
    missing = production_variables() - task_definition_variables() - SAFE_DEFAULTS.keys()
    assert not missing, (
        f"production settings read {sorted(missing)}, which the ECS task definitions don't set: add them to "
        "settings_environment (or app_secrets) in terraform/ecs.tf, or to SAFE_DEFAULTS here with a reason"
    )


def test_safe_defaults_are_still_read_and_not_set() -> None:
    stale = SAFE_DEFAULTS.keys() - production_variables()
    assert not stale, f"SAFE_DEFAULTS names variables the settings no longer read: {sorted(stale)}"
    both = SAFE_DEFAULTS.keys() & task_definition_variables()
    assert not both, f"SAFE_DEFAULTS names variables the task definitions set after all: {sorted(both)}"


def test_secrets_come_from_secrets_manager_not_the_environment() -> None:
    environment = set(locals_named("settings_environment")) | set(locals_named("web_environment"))
    secrets = locals_named("app_secrets")
    assert {"DJANGO_SECRET_KEY", "PGPASSWORD", "WAREHOUSE_PASSWORD", "METRICS_TOKEN"} <= set(secrets)
    assert not environment & set(secrets), "a secret is also set as plain environment"
    assert all("aws_secretsmanager_secret." in value for value in secrets.values())


def test_every_task_definition_gets_the_environment_and_the_secrets() -> None:
    containers = resource("aws_ecs_task_definition", "app")["container_definitions"]
    for reference in ("local.app_environment", "each.value.environment", "local.app_secrets", "valueFrom"):
        assert reference in containers, f"container_definitions does not use {reference}"
    assert "local.settings_environment" in locals_named("app_environment")


def test_beat_never_runs_twice() -> None:
    beat = locals_named("services")["beat"]
    assert (beat["desired_count"], beat["max_percent"], beat["min_healthy"]) == (1, 100, 0)


def test_terraform_fmt_is_clean() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        # Not in PyPI or Debian, so not a tool CI is promised: skipped everywhere when absent.
        pytest.skip("terraform is not installed; `terraform fmt -check` not run")
    result = subprocess.run(
        [terraform, "fmt", "-check", "-list=true", str(TERRAFORM_DIR)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"run `terraform fmt` in terraform/: {result.stdout.split()}"


@pytest.mark.slow
def test_checkov_finds_nothing_but_reasoned_skips() -> None:
    checkov = REPO_ROOT / ".venv" / "tools" / "bin" / "checkov"
    if not checkov.exists():
        tool_missing("checkov is not installed in .venv/tools (make tools)")
    result = subprocess.run(
        [str(checkov), "-d", str(TERRAFORM_DIR), "--framework", "terraform", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.lstrip().startswith("{"), f"checkov gave no report: {result.stderr[-2000:]}"
    report = json.loads(result.stdout)
    results = report["results"]
    failed = [f"{check['check_id']} {check['resource']} ({check['file_path']})" for check in results["failed_checks"]]
    assert not failed, f"checkov failed checks: {failed}"
    unexplained = [
        f"{check['check_id']} {check['resource']}"
        for check in results["skipped_checks"]
        if len(check.get("check_result", {}).get("suppress_comment", "").strip()) < 20
    ]
    assert not unexplained, f"checkov skips without a reason: {unexplained}"
    assert report["summary"]["passed"] > 0
