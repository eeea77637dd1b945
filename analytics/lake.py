"""The lake: where export batches land as Parquet files with a manifest.

`LAKE_URL` picks the kind: `file:///path` (the embedded default, a directory) or
`s3://bucket/prefix` (boto3, any S3-compatible endpoint through AWS_ENDPOINT_URL, with
multipart uploads and retries). Keys are always relative, '/'-separated paths.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from django.conf import settings

# 64 MB parts: a 10M-sale export is a few hundred MB of Parquet.
TRANSFER = TransferConfig(multipart_threshold=64 * 2**20, multipart_chunksize=64 * 2**20, max_concurrency=4)
HASH_CHUNK = 8 * 2**20


def file_sha256(path: Path) -> str:
    """The SHA-256 of a local file, hex, read in chunks (memory stays flat for any size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class LakeError(RuntimeError):
    """A lake file is missing or cannot be read; the message names it."""


class Lake(Protocol):
    """What the exporter and loaders need from a lake."""

    def put_file(self, key: str, path: Path) -> int:
        """Store a local file under `key`; returns its size in bytes."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store bytes under `key` (small files: manifests)."""

    def get_bytes(self, key: str) -> bytes:
        """The bytes stored under `key`, or LakeError naming it."""

    def local_copy(self, key: str, directory: Path) -> Path:
        """A local file with the content of `key` (the file itself for a directory lake)."""

    def size(self, key: str) -> int:
        """The size in bytes of `key`, or LakeError naming it."""

    def sha256(self, key: str) -> str:
        """The SHA-256 of the content of `key`, hex, or LakeError naming it."""

    def keys(self, prefix: str) -> list[str]:
        """Every key under `prefix` (a folder, ending with '/'), sorted."""

    def uri(self, key: str) -> str:
        """The full URI of `key` (s3://bucket/prefix/key or file:///…)."""


class DirectoryLake:
    """A lake in a local directory (writes are atomic renames)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key

    def put_file(self, key: str, path: Path) -> int:
        """Copy the file beside its target, then rename it into place (atomic: a reader never
        sees a partial file); the local file stays where it is."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(path.read_bytes())
        os.replace(partial, target)
        return target.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> None:
        """Write bytes atomically."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, target)

    def get_bytes(self, key: str) -> bytes:
        """Read the file."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise LakeError(f"lake file {self.uri(key)} is missing") from None

    def local_copy(self, key: str, directory: Path) -> Path:
        """The file itself: no copy needed."""
        path = self._path(key)
        if not path.exists():
            raise LakeError(f"lake file {self.uri(key)} is missing")
        return path

    def size(self, key: str) -> int:
        """The file's size."""
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise LakeError(f"lake file {self.uri(key)} is missing") from None

    def sha256(self, key: str) -> str:
        """Hash the file."""
        try:
            return file_sha256(self._path(key))
        except FileNotFoundError:
            raise LakeError(f"lake file {self.uri(key)} is missing") from None

    def keys(self, prefix: str) -> list[str]:
        """Walk the folder."""
        folder = self._path(prefix)
        if not folder.is_dir():
            return []
        return sorted(path.relative_to(self.root).as_posix() for path in folder.rglob("*") if path.is_file())

    def uri(self, key: str) -> str:
        """file:// URI."""
        return self._path(key).as_uri()


class S3Lake:
    """A lake in an S3 bucket under a prefix."""

    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=5, read_timeout=60),
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_file(self, key: str, path: Path) -> int:
        """Upload (multipart above 64 MB)."""
        self.client.upload_file(str(path), self.bucket, self._key(key), Config=TRANSFER)
        return path.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> None:
        """PUT a small object."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get_bytes(self, key: str) -> bytes:
        """GET an object."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise LakeError(f"lake file {self.uri(key)} is missing") from None

    def local_copy(self, key: str, directory: Path) -> Path:
        """Download into `directory`."""
        target = directory / key.replace("/", "__")
        try:
            self.client.download_file(self.bucket, self._key(key), str(target), Config=TRANSFER)
        except self.client.exceptions.ClientError as error:
            raise LakeError(f"lake file {self.uri(key)} cannot be read: {error}") from None
        return target

    def size(self, key: str) -> int:
        """HEAD the object."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]
        except self.client.exceptions.ClientError:
            raise LakeError(f"lake file {self.uri(key)} is missing") from None

    def sha256(self, key: str) -> str:
        """Stream the object through SHA-256 without storing it."""
        digest = hashlib.sha256()
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
            for chunk in body.iter_chunks(HASH_CHUNK):
                digest.update(chunk)
        except self.client.exceptions.NoSuchKey:
            raise LakeError(f"lake file {self.uri(key)} is missing") from None
        return digest.hexdigest()

    def keys(self, prefix: str) -> list[str]:
        """List the objects under the prefix, page by page."""
        found: list[str] = []
        strip = len(self._key(""))
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
            found.extend(item["Key"][strip:] for item in page.get("Contents", []))
        return sorted(found)

    def uri(self, key: str) -> str:
        """s3:// URI (what Redshift's COPY reads)."""
        return f"s3://{self.bucket}/{self._key(key)}"


def lake_from_url(url: str | None = None) -> DirectoryLake | S3Lake:
    """The lake that `url` (default: settings.LAKE_URL) names."""
    url = url or settings.LAKE_URL
    parts = urlsplit(url)
    if parts.scheme == "file":
        return DirectoryLake(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        return S3Lake(parts.netloc, parts.path, endpoint_url=settings.AWS_ENDPOINT_URL)
    raise ValueError(f"LAKE_URL must start with file:// or s3://, got {url!r}")


def scratch_directory() -> tempfile.TemporaryDirectory:
    """A temporary directory for files on their way to or from the lake."""
    return tempfile.TemporaryDirectory(prefix="folio-lake-")
