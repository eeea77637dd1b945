"""`manage.py import_statement`: the City of Paris compte de résultat from a CSV, a JSON file or the API."""

from pathlib import Path
from typing import Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from audit.services import audit_bulk
from config.arguments import ImportOptions, ascii_int, import_options, workspace_option_resolve
from config.imports import ImportRefused, ImportRejected, mapping_parse
from config.progress import progress_for
from finance.management.commands.import_ledger import summary_report
from finance.models import StatementLine
from finance.services.imports import (
    EXPLORE_PAGE_SIZE,
    HTTP_TIMEOUT_SECONDS,
    ExploreFetchError,
    statement_import,
)


class StatementImportOptions(ImportOptions):
    """The options `add_arguments` declares: a file or a URL (exactly one is given)."""

    file: Path | None
    url: str | None
    rejects: Path | None
    page_size: int
    timeout: float


class Command(BaseCommand):
    """Parse the options, show progress, call `statement_import`, print the summary."""

    help = (
        "Import the compte de résultat (opendata.paris.fr dataset compte-de-resultat) from the portal's CSV "
        "export (';', UTF-8 with BOM, French headers), a saved explore API v2.1 JSON response "
        '({"total_count": N, "results": [...]}), or a /records URL, read page by page. Lines are matched on '
        "exercice, type de résultat, produit/charge, poste and détail; a changed amount is updated. By default "
        "any rejected row writes nothing (reasons in a rejects CSV; for JSON the line is the record's position); "
        "--skip-invalid imports the valid rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The source, paging and the rejects options."""
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("file", nargs="?", type=Path, help="A portal CSV export or a saved JSON response.")
        source.add_argument(
            "--url",
            help="An explore API v2.1 records URL, e.g. "
            "https://opendata.paris.fr/api/explore/v2.1/catalog/datasets/compte-de-resultat/records",
        )
        parser.add_argument(
            "--page-size",
            type=ascii_int,
            default=EXPLORE_PAGE_SIZE,
            help=f"Records per request (1..{EXPLORE_PAGE_SIZE}).",
        )
        parser.add_argument(
            "--timeout", type=float, default=HTTP_TIMEOUT_SECONDS, help="Seconds to wait for each page."
        )
        import_options(parser, map_help="Read a column as a field, e.g. --map 'Année=exercice' (repeatable).")

    def handle(self, *args: object, **options: Unpack[StatementImportOptions]) -> None:
        """Import, then print the summary."""
        using = options["database"]
        if using not in connections:
            raise CommandError(f"--database {using!r} is not a configured database alias")
        if not 1 <= options["page_size"] <= EXPLORE_PAGE_SIZE:
            raise CommandError(f"--page-size must be between 1 and {EXPLORE_PAGE_SIZE}, got {options['page_size']}")
        source = options["url"] or options["file"]
        if not source:  # argparse requires one of the two, but `--url ""` gives neither
            raise CommandError("give a file or a non-empty --url")
        workspace = workspace_option_resolve(options["workspace"], using=using)
        progress = progress_for(options)
        try:
            with audit_bulk(
                via="command import_statement",
                action="import",
                kind="statement",
                model=StatementLine,
                workspace_id=workspace.pk,
            ) as event:
                summary = statement_import(
                    source=source,
                    workspace=workspace,
                    skip_invalid=options["skip_invalid"],
                    rejects=options["rejects"],
                    mapping=mapping_parse(options["map"]),
                    page_size=options["page_size"],
                    timeout=options["timeout"],
                    using=using,
                    progress=progress,
                )
                event.counts.update(summary.counts())
        except (ImportRefused, ExploreFetchError) as error:
            raise CommandError(f"{error}; nothing was written") from None
        except ImportRejected as rejected:
            raise CommandError(f"{rejected}\n{summary_report('Statement', rejected.summary)}") from None
        finally:
            progress.close()
        style = self.style.WARNING if summary.errors else self.style.SUCCESS
        self.stdout.write(style(summary_report("Statement", summary)))
