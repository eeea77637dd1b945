"""The export manifest: what one lake batch holds, as the exporter writes it and loaders read it.

`batches/<batch>/manifest.json` is its JSON form. The format on disk stays the one older
lakes hold (a loaded marker records the manifest's SHA-256, so its bytes must not change):
`to_json` writes the keys in the order they have always had, and `from_json` reads manifests
written before checksums (`sha256` absent), before `after` links, or without `seconds`.
"""

import json
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class LakeFile:
    """One Parquet file of a batch: its key in the lake, size, rows and SHA-256."""

    key: str
    bytes: int
    rows: int
    sha256: str | None = None  # None: exported before Folio recorded checksums

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LakeFile":
        """Read a file entry of a manifest."""
        return cls(key=data["key"], bytes=data["bytes"], rows=data["rows"], sha256=data.get("sha256"))

    def to_json(self) -> dict[str, Any]:
        """The entry as the manifest stores it."""
        entry: dict[str, Any] = {"key": self.key, "bytes": self.bytes, "rows": self.rows}
        if self.sha256 is not None:
            entry["sha256"] = self.sha256
        return entry


@dataclass(frozen=True)
class TableBatch:
    """What a batch holds for one warehouse table: the window read, rows, tombstones, money
    totals and the files."""

    table: str
    window: tuple[str | None, str]  # [low, high) of updated_at; low None on a full export
    rows: int = 0
    tombstones: int = 0
    money_totals: dict[str, str] = field(default_factory=dict)  # column -> Decimal text, 2 places
    files: tuple[LakeFile, ...] = ()
    tombstone_files: tuple[LakeFile, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the batch changes the table (rows written or keys deleted)."""
        return bool(self.rows or self.tombstones)

    @property
    def all_files(self) -> tuple[LakeFile, ...]:
        """The rows files, then the tombstone files."""
        return (*self.files, *self.tombstone_files)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "TableBatch":
        """Read one table's entry of a manifest."""
        low, high = data["window"]
        return cls(
            table=data["table"],
            window=(low, high),
            rows=data["rows"],
            tombstones=data["tombstones"],
            money_totals=dict(data["money_totals"]),
            files=tuple(LakeFile.from_json(entry) for entry in data["files"]),
            tombstone_files=tuple(LakeFile.from_json(entry) for entry in data["tombstone_files"]),
        )

    def to_json(self) -> dict[str, Any]:
        """The entry as the manifest stores it."""
        return {
            "table": self.table,
            "window": list(self.window),
            "rows": self.rows,
            "tombstones": self.tombstones,
            "money_totals": dict(self.money_totals),
            "files": [entry.to_json() for entry in self.files],
            "tombstone_files": [entry.to_json() for entry in self.tombstone_files],
        }


@dataclass(frozen=True)
class Manifest:
    """One export batch: its name, schema version, whether it is full, the batch it was
    exported on top of, its high watermark and, per table, what it holds."""

    batch: str
    schema_version: int | None
    full: bool
    after: str | None
    created_at: str
    high: str
    tables: dict[str, TableBatch]
    seconds: float | None = None

    @property
    def key(self) -> str:
        """Where the manifest lives in the lake."""
        return manifest_key(self.batch)

    @property
    def files(self) -> tuple[LakeFile, ...]:
        """Every file the batch names, table by table."""
        return tuple(described for entry in self.tables.values() for described in entry.all_files)

    @property
    def changed(self) -> bool:
        """Whether any table has rows or tombstones in the batch."""
        return any(entry.changed for entry in self.tables.values())

    def with_table(self, entry: TableBatch) -> "Manifest":
        """A copy with one table's entry replaced (or added)."""
        return replace(self, tables={**self.tables, entry.table: entry})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Manifest":
        """Read a parsed manifest.json (any version Folio wrote)."""
        return cls(
            batch=data["batch"],
            schema_version=data.get("schema_version"),
            full=bool(data.get("full")),
            after=data.get("after"),
            created_at=data.get("created_at", ""),
            high=data["high"],
            tables={name: TableBatch.from_json(entry) for name, entry in data.get("tables", {}).items()},
            seconds=data.get("seconds"),
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "Manifest":
        """Parse manifest.json (json.JSONDecodeError, KeyError or ValueError when malformed)."""
        return cls.from_json(json.loads(data))

    def to_json(self) -> dict[str, Any]:
        """The manifest as manifest.json stores it, keys in their historical order."""
        data: dict[str, Any] = {
            "batch": self.batch,
            "schema_version": self.schema_version,
            "full": self.full,
            "after": self.after,
            "created_at": self.created_at,
            "high": self.high,
            "tables": {name: entry.to_json() for name, entry in self.tables.items()},
        }
        if self.seconds is not None:
            data["seconds"] = self.seconds
        return data

    def to_bytes(self) -> bytes:
        """manifest.json's bytes."""
        return json.dumps(self.to_json(), indent=2).encode()


def manifest_key(batch: str) -> str:
    """The lake key of a batch's manifest."""
    return f"batches/{batch}/manifest.json"
