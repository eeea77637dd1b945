"""Which lake batches make up the warehouse, read from the lake alone.

Batches are named `<UTC start time>-<attempt id>`: unique even when the transactional
database is reset (attempt ids start again at 1), and in time order by name. Not every
batch in the lake was loaded (a failed load, an export-only sync, a sync that found
nothing new leave theirs), so a load that succeeds records its batch under
`loaded/<batch>.json` with the SHA-256 of the batch's manifest, and each manifest names the
batch it was exported on top of (`after`). The newest loaded batch and its `after` links
back to the last full batch are the chain a rebuild applies, oldest first.

The marker is written inside the publishing transaction, before the warehouse commits: a
published batch always has one. If the commit then fails, the batch stays marked though
never served; it is still a verified export of the source, so a rebuild that ends with it
is as correct as one that stops before it (only fresher).
"""

import hashlib
import json

from django.utils import timezone

from analytics.lake import Lake, LakeError
from analytics.manifest import Manifest, manifest_key
from analytics.models import Generation
from analytics.warehouse.base import LoadError, lake_object_verify
from analytics.warehouse.schema import SCHEMA_VERSION

LOADED_PREFIX = "loaded/"
# Files a load itself may add to a batch's folder (Redshift's COPY manifests), per table.
LOADER_FILES = ("files.copy-manifest", "tombstone_files.copy-manifest")
RUN_FULL = "run `manage.py sync_warehouse --full` once to export a full batch a rebuild can start from"


def batch_name(attempt: Generation) -> str:
    """The lake folder name of the batch an attempt exports."""
    return f"{timezone.now():%Y%m%dT%H%M%S%f}-{attempt.pk:08d}"


def batch_loaded_mark(lake: Lake, manifest: Manifest, generation: Generation) -> None:
    """Record in the lake that the batch was verified and loaded (see the module's docstring)."""
    marker = {
        "batch": manifest.batch,
        "manifest_sha256": lake.sha256(manifest.key),
        "generation": generation.number,
        "backend": generation.backend,
        "loaded_at": timezone.now().isoformat(),
    }
    lake.put_bytes(f"{LOADED_PREFIX}{manifest.batch}.json", json.dumps(marker, indent=2).encode())


def lake_chain_read(lake: Lake) -> list[Manifest]:
    """The manifests of the batches a rebuild applies, oldest (a full batch) first.

    Raises LoadError naming the file when a marker or manifest is missing or altered, a
    manifest has no checksums or an older schema, a batch's folder lacks a file its
    manifest names or holds one it does not, or a file's size or SHA-256 is not the
    manifest's. Nothing is written: every check runs before a rebuild starts.
    """
    markers = [key for key in lake.keys(LOADED_PREFIX) if key.endswith(".json")]
    if not markers:
        raise LoadError(f"the lake at {lake.uri('')} records no loaded batch; {RUN_FULL}")
    batch = markers[-1].removeprefix(LOADED_PREFIX).removesuffix(".json")
    chain: list[Manifest] = []
    child = None
    while True:
        manifest = _manifest_verified(lake, batch, child)
        chain.append(manifest)
        if manifest.full:
            break
        if not manifest.after:
            raise LoadError(
                f"lake file {lake.uri(manifest_key(batch))} does not name the batch it was exported after; {RUN_FULL}"
            )
        if manifest.after in {earlier.batch for earlier in chain}:
            raise LoadError(f"lake file {lake.uri(manifest_key(batch))} names a batch loop")
        child, batch = batch, manifest.after
    chain.reverse()
    for manifest in chain:
        _batch_folder_check(lake, manifest)
    for manifest in chain:
        for described in manifest.files:
            lake_object_verify(lake, described)
    return chain


def _manifest_verified(lake: Lake, batch: str, child: str | None) -> Manifest:
    """A batch's manifest, checked against the SHA-256 its loaded marker recorded."""
    marker_key = f"{LOADED_PREFIX}{batch}.json"
    key = manifest_key(batch)
    because = f" (batch {child} was loaded on top of it)" if child else ""
    try:
        data = lake.get_bytes(key)
    except LakeError as error:
        raise LoadError(f"{error}{because}") from None
    try:
        marker = json.loads(lake.get_bytes(marker_key))
    except LakeError as error:
        if _exported_before_checksums(data):
            raise LoadError(
                f"lake file {lake.uri(key)} was exported before Folio recorded checksums and loaded"
                f" batches{because}; {RUN_FULL}"
            ) from None
        raise LoadError(f"{error}{because}") from None
    except json.JSONDecodeError as error:
        raise LoadError(f"lake file {lake.uri(marker_key)} is not valid JSON: {error}") from None
    found = hashlib.sha256(data).hexdigest()
    if found != marker.get("manifest_sha256"):
        raise LoadError(
            f"lake file {lake.uri(key)} was altered after it was loaded: its SHA-256 is {found},"
            f" {lake.uri(marker_key)} recorded {marker.get('manifest_sha256')}"
        )
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as error:
        raise LoadError(f"lake file {lake.uri(key)} is not valid JSON: {error}") from None
    # The version is read first: a manifest of an older schema may lack what today's holds.
    version = parsed.get("schema_version") if isinstance(parsed, dict) else None
    if version != SCHEMA_VERSION:
        raise LoadError(
            f"lake file {lake.uri(key)} describes warehouse schema {version},"
            f" this Folio loads schema {SCHEMA_VERSION}; {RUN_FULL}"
        )
    try:
        return Manifest.from_json(parsed)
    except (KeyError, TypeError, ValueError) as error:
        raise LoadError(f"lake file {lake.uri(key)} is not an export manifest: {error!r}") from None


def _exported_before_checksums(data: bytes) -> bool:
    """Whether a manifest predates checksums (its files carry no SHA-256)."""
    try:
        manifest = Manifest.from_bytes(data)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return False
    return any(described.sha256 is None for described in manifest.files)


def _batch_folder_check(lake: Lake, manifest: Manifest) -> None:
    """The batch's folder holds exactly the files its manifest names (plus loader files)."""
    folder = f"batches/{manifest.batch}/"
    named = {manifest.key, *(described.key for described in manifest.files)}
    allowed: set[str] = set()
    for name in manifest.tables:
        allowed.update(f"{folder}{name}/{loader_file}" for loader_file in LOADER_FILES)
    present = set(lake.keys(folder))
    missing = sorted(named - present)
    if missing:
        raise LoadError(f"lake file {lake.uri(missing[0])} is missing (its batch manifest names it)")
    extra = sorted(present - named - allowed)
    if extra:
        raise LoadError(
            f"lake file {lake.uri(extra[0])} is not named by its batch manifest {lake.uri(f'{folder}manifest.json')}"
        )
