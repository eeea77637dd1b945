"""Argument types shared by the management commands of books and finance."""

import argparse
import re
from datetime import date
from pathlib import Path
from typing import TypedDict

from django.core.management.base import CommandError

from workspaces.models import DEFAULT_SLUG, Workspace
from workspaces.services import WorkspaceError, workspace_named


class CommandOptions(TypedDict):
    """The options every command here reads: Django's --verbosity and our --database.

    A command's `handle(**options: Unpack[...])` names the options it declares in a subclass;
    Django passes its other standard options too, which the commands never read.
    """

    verbosity: int
    database: str


class ImportOptions(CommandOptions):
    """The options `import_options` adds, apart from --rejects / --rejects-dir."""

    map: list[str]
    skip_invalid: bool
    workspace: str


class FileImportOptions(ImportOptions):
    """An import of one file: its path and --rejects."""

    path: Path
    rejects: Path | None


class GenerateOptions(CommandOptions):
    """The options generate_sales_data and generate_finance_data share."""

    seed: int | None
    years: int
    end_date: date | None
    batch_size: int
    skip_upload: bool
    skip_redshift: bool
    if_empty: bool
    workspace: str


def iso_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD) for argparse, with a message that names the bad value."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def workspace_option(parser: argparse.ArgumentParser, *, what: str) -> None:
    """--workspace SLUG: the workspace a generator or an import writes into."""
    parser.add_argument(
        "--workspace",
        default=DEFAULT_SLUG,
        metavar="SLUG",
        help=f"The workspace the {what} belong to (default {DEFAULT_SLUG!r}); `manage.py workspace list` names them.",
    )


def workspace_option_resolve(slug: str, *, using: str = "default") -> Workspace:
    """The workspace --workspace names; an unknown slug is a CommandError naming it and the
    known ones, raised before anything is written."""
    try:
        return workspace_named(slug, using=using)
    except WorkspaceError as error:
        raise CommandError(f"--workspace: {error} Nothing was written.") from None


def import_options(parser: argparse.ArgumentParser, *, map_help: str, rejects_dir: bool = False) -> None:
    """The options every import command takes, named and explained alike: --map, --skip-invalid,
    --rejects (or --rejects-dir for commands that read several files), --workspace and --database."""
    parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD", help=map_help)
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="Import the valid rows and list the rejected ones (default: any rejected row writes nothing).",
    )
    if rejects_dir:
        parser.add_argument(
            "--rejects-dir", type=Path, help="Folder for the <file>.rejects.csv lists (default: next to each file)."
        )
    else:
        parser.add_argument(
            "--rejects",
            type=Path,
            default=None,
            help="Where to write the rejected rows (default: <input>.rejects.csv).",
        )
    workspace_option(parser, what="imported rows")
    parser.add_argument("--database", default="default", help="Database alias to write to (default 'default').")


def ascii_int(text: str) -> int:
    """A whole number in ASCII digits for argparse: `int()` alone also reads `٣` and `１` as 3 and 1,
    which no API parameter or importer accepts."""  # noqa: RUF002 — names the non-ASCII digits it refuses
    if not re.fullmatch(r"-?[0-9]{1,30}", text):
        shown = text if len(text) <= 40 else f"{text[:40]}…"
        raise argparse.ArgumentTypeError(f"invalid int value: {shown!r} (a whole number in digits 0-9)")
    return int(text)
