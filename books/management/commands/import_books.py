"""`manage.py import_books`: import a book catalogue CSV, all or nothing, idempotently."""

from collections.abc import Callable
from pathlib import Path
from typing import Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.models import Model

from audit.services import audit_bulk
from books.models import Book
from books.services.imports import BOOK_FIELDS, books_import
from config.arguments import FileImportOptions, import_options, workspace_option_resolve
from config.imports import SHOWN_ERRORS, ImportRefused, ImportRejected, ImportSummary, Progress, mapping_parse
from config.progress import progress_for
from workspaces.models import Workspace


def import_arguments(parser: CommandParser, fields: dict[str, tuple[str, ...]]) -> None:
    """The options every CSV import takes."""
    parser.add_argument("path", type=Path, help="The CSV file (UTF-8 with or without BOM, or Latin-1; , ; tab or |).")
    import_options(parser, map_help=f"Read FIELD from COLUMN (repeatable). Fields: {', '.join(fields)}.")


def import_run(
    command: BaseCommand,
    options: FileImportOptions,
    run: Callable[[Progress, Workspace], ImportSummary],
    *,
    kind: str,
    model: type[Model],
) -> None:
    """Resolve --workspace, show progress, run the import, print its summary; an unknown
    workspace, refusals and rejections become CommandError. The run is one audit event with
    its counts (`kind` of `model` records)."""
    if options["database"] not in connections:
        raise CommandError(f"--database {options['database']!r} is not a configured database alias")
    workspace = workspace_option_resolve(options["workspace"], using=options["database"])
    progress = progress_for(options)
    try:
        with audit_bulk(
            via=f"command {command.__module__.rsplit('.', 1)[-1]}",
            action="import",
            kind=kind,
            model=model,
            workspace_id=workspace.pk,
        ) as event:
            summary = run(progress, workspace)
            event.counts.update(summary.counts())
    except ImportRefused as refused:
        raise CommandError(f"{options['path']}: {refused}") from None
    except ImportRejected as rejected:
        for line in rejected.summary.lines():
            command.stderr.write(line)
        first = "; ".join(str(error) for error in rejected.summary.errors[:3])
        raise CommandError(
            f"{rejected.summary.rejected:,} row(s) rejected, nothing was written (use --skip-invalid to import "
            f"the valid rows); first: {first}"
        ) from None
    finally:
        progress.close()
    head, *rest = summary.lines()
    command.stdout.write(command.style.SUCCESS(head[0].upper() + head[1:]))
    for line in rest[: SHOWN_ERRORS + 2]:
        command.stdout.write(line)


class Command(BaseCommand):
    """Parse the options, show progress, call `books_import`."""

    help = (
        "Import books from a CSV catalogue (goodreads layout, or isbn13,title,authors,genre,publisher,price,published)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The path and the shared import options."""
        import_arguments(parser, BOOK_FIELDS)

    def handle(self, *args: object, **options: Unpack[FileImportOptions]) -> None:
        """Import, then print read / created / updated / unchanged / rejected."""
        try:
            mapping = mapping_parse(options["map"])
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        import_run(
            self,
            options,
            lambda progress, workspace: books_import(
                path=options["path"],
                workspace=workspace,
                mapping=mapping,
                skip_invalid=options["skip_invalid"],
                rejects=options["rejects"],
                progress=progress,
                using=options["database"],
            ),
            kind="books",
            model=Book,
        )
