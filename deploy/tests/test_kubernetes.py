"""deploy/kubernetes/: valid against Kubernetes' schemas, checkov-clean, and what Folio needs.

kubernetes-validate carries the API schemas (no cluster, no network); checkov runs from
its own virtual environment (`make tools`).
"""

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from .tools import ROOT, executable

MANIFESTS = ROOT / "deploy" / "kubernetes"
CHECKOV = ROOT / ".venv" / "tools" / "bin" / "checkov"
# The oldest Kubernetes still commonly run, and the newest the bundled schemas know.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())
# Where the image keeps Folio (its WORKDIR): var/ below it is written at run time.
APP_DIR = "/app"
UID = 10001


def manifest_files() -> list[Path]:
    return sorted(path for path in MANIFESTS.glob("*.yaml") if path.name != "kustomization.yaml")


def resources() -> list[dict[str, Any]]:
    return [document for path in manifest_files() for document in yaml.safe_load_all(path.read_text()) if document]


def resource(kind: str, name: str) -> dict[str, Any]:
    [found] = [r for r in resources() if r["kind"] == kind and r["metadata"]["name"] == name]
    return found


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


WORKLOADS = [
    ("Deployment", "folio-web"),
    ("Deployment", "folio-events"),
    ("Deployment", "folio-worker"),
    ("Deployment", "folio-beat"),
    ("Job", "folio-migrate"),
]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", manifest_files(), ids=lambda path: path.name)
def test_every_manifest_is_valid_for_kubernetes(path: Path, version: str) -> None:
    for document in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(document, version, strict=True)


def test_the_kustomization_applies_every_manifest() -> None:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())

    assert sorted(kustomization["resources"]) == sorted(path.name for path in manifest_files())
    assert kustomization["namespace"] == "folio"
    assert [image["name"] for image in kustomization["images"]] == ["folio"]


def test_the_system_is_all_there() -> None:
    kinds = {(r["kind"], r["metadata"]["name"]) for r in resources()}

    assert set(WORKLOADS) <= kinds
    assert {
        ("Service", "folio-web"),
        ("Ingress", "folio"),
        ("HorizontalPodAutoscaler", "folio-web"),
        ("ConfigMap", "folio-config"),
    } <= kinds
    # Secrets are referenced, never committed.
    assert not [r for r in resources() if r["kind"] == "Secret"]
    assert all(r["metadata"].get("namespace") == "folio" for r in resources() if r["kind"] != "Namespace")


def test_beat_runs_one_replica_and_never_two() -> None:
    beat = resource("Deployment", "folio-beat")

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    hpa_targets = [r["spec"]["scaleTargetRef"]["name"] for r in resources() if r["kind"] == "HorizontalPodAutoscaler"]
    assert hpa_targets == ["folio-web"]


@pytest.mark.parametrize(("kind", "name"), WORKLOADS, ids=[name for _, name in WORKLOADS])
def test_every_pod_runs_as_folio_without_privileges(kind: str, name: str) -> None:
    spec = pod_spec(resource(kind, name))

    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == UID
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    for container in spec["containers"]:
        security = container["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["runAsUser"] == UID
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True
        assert security["capabilities"] == {"drop": ["ALL"]}
        # With a read-only root, every directory Folio writes is a volume.
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        assert mounts["/tmp"] == "tmp"
        assert mounts[f"{APP_DIR}/var"] == "var"
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert "emptyDir" in volumes["tmp"]
        assert "emptyDir" in volumes["var"]


@pytest.mark.parametrize(("kind", "name"), WORKLOADS, ids=[name for _, name in WORKLOADS])
def test_every_container_has_requests_limits_and_its_settings(kind: str, name: str) -> None:
    for container in pod_spec(resource(kind, name))["containers"]:
        assert container["args"] == [name.removeprefix("folio-")]
        assert set(container["resources"]["requests"]) == {"cpu", "memory"}
        assert set(container["resources"]["limits"]) == {"cpu", "memory"}
        assert container["envFrom"] == [
            {"configMapRef": {"name": "folio-config"}},
            {"secretRef": {"name": "folio-secrets"}},
        ]


@pytest.mark.parametrize("name", ["folio-web", "folio-events"])
def test_web_and_events_are_probed_on_healthz_and_readyz_as_https(name: str) -> None:
    [web] = pod_spec(resource("Deployment", name))["containers"]
    headers = {"Host": "localhost", "X-Forwarded-Proto": "https"}

    for probe, path in (("livenessProbe", "/healthz"), ("startupProbe", "/healthz"), ("readinessProbe", "/readyz")):
        http = web[probe]["httpGet"]
        assert (http["path"], http["port"]) == (path, "http")
        assert {header["name"]: header["value"] for header in http["httpHeaders"]} == headers
    # The probes' Host must be one Django accepts.
    allowed = resource("ConfigMap", "folio-config")["data"]["DJANGO_ALLOWED_HOSTS"].split(",")
    assert "localhost" in allowed


def test_web_and_worker_share_the_uploads_volume() -> None:
    for name in ("folio-web", "folio-worker"):
        spec = pod_spec(resource("Deployment", name))
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert volumes["uploads"]["persistentVolumeClaim"] == {"claimName": "folio-uploads"}
        assert {"name": "uploads", "mountPath": f"{APP_DIR}/var/uploads"} in spec["containers"][0]["volumeMounts"]
    assert resource("PersistentVolumeClaim", "folio-uploads")["spec"]["accessModes"] == ["ReadWriteMany"]


@pytest.mark.parametrize("name", ["folio-worker", "folio-beat"])
def test_worker_and_beat_have_a_liveness_probe_that_compiles(name: str) -> None:
    [container] = pod_spec(resource("Deployment", name))["containers"]
    command = container["livenessProbe"]["exec"]["command"]

    if command[:2] == ["python3", "-c"]:
        compile(command[2], f"{name} liveness probe", "exec")
    else:
        assert "celery -A config inspect ping" in command[-1]


def test_the_ingress_sends_the_live_events_to_events_and_the_rest_to_web() -> None:
    [rule] = resource("Ingress", "folio")["spec"]["rules"]
    backends = {path["path"]: path["backend"]["service"]["name"] for path in rule["http"]["paths"]}

    assert backends == {"/ws/": "folio-events", "/api/analytics/events": "folio-events", "/": "folio-web"}
    assert resource("Service", "folio-events")["spec"]["selector"]["app.kubernetes.io/component"] == "events"


def test_the_var_mount_is_the_images_var_folder() -> None:
    """The volumes sit where the image keeps Folio (its last WORKDIR), once the image exists."""
    containerfile = ROOT / "Containerfile"
    if not containerfile.exists():
        pytest.skip("no Containerfile in this tree yet")
    workdirs = re.findall(r"^WORKDIR\s+(\S+)", containerfile.read_text(), flags=re.M)

    assert workdirs, "the Containerfile sets no WORKDIR"
    assert workdirs[-1].rstrip("/") == APP_DIR


def test_checkov_passes_the_manifests_and_every_skip_says_why() -> None:
    checkov = executable(CHECKOV, "make tools")
    result = subprocess.run(
        [checkov, "--skip-download", "--output", "json", "--framework", "kubernetes", "-d", str(MANIFESTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    results = report["results"]

    failed = [(check["check_id"], check["resource"], check["file_path"]) for check in results["failed_checks"]]
    assert failed == []
    assert result.returncode == 0, result.stderr
    assert report["summary"]["passed"] > 100
    assert report["summary"]["parsing_errors"] == 0
    assert results["skipped_checks"], "the skips below are expected: the annotations are read"
    for check in results["skipped_checks"]:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason) > 15, f"{check['check_id']} on {check['resource']} is skipped without a reason"
