"""`manage.py import_ledger`: a city ledger CSV and its department, fund and cost-centre files."""

from pathlib import Path
from typing import Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from audit.services import audit_bulk
from config.arguments import ImportOptions, import_options, workspace_option_resolve
from config.imports import ImportRefused, ImportSummary, mapping_parse
from config.progress import progress_for
from finance.models import LedgerEntry
from finance.services.imports import LedgerFilesRejected, ledger_files_import

LABELS = {"departments": "Departments", "funds": "Funds", "cost_centers": "Cost centres", "ledger": "Ledger"}


def summary_report(label: str, summary: ImportSummary) -> str:
    """The framework's summary lines under a label."""
    first, *rest = summary.lines()
    return "\n".join([f"{label}: {first}", *rest])


class LedgerImportOptions(ImportOptions):
    """The options `add_arguments` declares: the files, --strict and --rejects-dir."""

    ledger: Path | None
    departments: Path | None
    funds: Path | None
    cost_centers: Path | None
    strict: bool
    rejects_dir: Path | None


class Command(BaseCommand):
    """Parse the options, show progress, call `ledger_files_import`, print a summary per file."""

    help = (
        "Import a city ledger CSV (date, amount, Revenues/Expenses, department, fund, cost centre) and/or "
        "the dimension files it refers to. Departments, funds and cost centres are matched by id (code); "
        "the dimension files create new ids and update names that changed (the DataVizHub department.csv, "
        "fund.csv and cost_center.csv are read as they are). Ledger rows may name a dimension by id, by "
        "name, or both: a new id with a name is created, unless --strict. A ledger row equal in every field "
        "to a stored entry is left unchanged, so a rerun imports nothing twice. All files go in one "
        "transaction: by default any rejected row writes nothing and the reasons go to a rejects CSV "
        "next to each file; --skip-invalid imports the valid rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The files, the strictness and the rejects options."""
        parser.add_argument("ledger", nargs="?", type=Path, help="The ledger CSV (optional with dimension files).")
        parser.add_argument("--departments", type=Path, help="Departments CSV: department_id, department_name.")
        parser.add_argument("--funds", type=Path, help="Funds CSV: fund_id, fund_description.")
        parser.add_argument(
            "--cost-centers",
            type=Path,
            help="Cost centres CSV: cost_center_id, cost_center_description, optionally department_id.",
        )
        parser.add_argument(
            "--strict", action="store_true", help="Reject ledger rows naming an id not already imported."
        )
        import_options(
            parser,
            map_help="Read a ledger column as a field, e.g. --map 'Posted On=entry_date' (repeatable).",
            rejects_dir=True,
        )

    def handle(self, *args: object, **options: Unpack[LedgerImportOptions]) -> None:
        """Import, then print what each file did."""
        using = options["database"]
        if using not in connections:
            raise CommandError(f"--database {using!r} is not a configured database alias")
        files = {
            "departments": options["departments"],
            "funds": options["funds"],
            "cost_centers": options["cost_centers"],
            "ledger": options["ledger"],
        }
        if not any(files.values()):
            raise CommandError("give a ledger file, or --departments, --funds or --cost-centers")
        workspace = workspace_option_resolve(options["workspace"], using=using)
        progress = progress_for(options)
        try:
            with audit_bulk(
                via="command import_ledger",
                action="import",
                kind="ledger",
                model=LedgerEntry,
                workspace_id=workspace.pk,
            ) as event:
                summaries = ledger_files_import(
                    departments=files["departments"],
                    funds=files["funds"],
                    cost_centers=files["cost_centers"],
                    ledger=files["ledger"],
                    workspace=workspace,
                    strict=options["strict"],
                    skip_invalid=options["skip_invalid"],
                    rejects_dir=options["rejects_dir"],
                    mapping=mapping_parse(options["map"]),
                    using=using,
                    progress=progress,
                )
                for summary in summaries.values():
                    for name, count in summary.counts().items():
                        event.counts[name] = event.counts.get(name, 0) + count
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        except LedgerFilesRejected as rejected:
            report = "\n".join(summary_report(LABELS[k], s) for k, s in rejected.summaries.items())
            raise CommandError(f"{rejected}\n{report}") from None
        finally:
            progress.close()
        for kind, summary in summaries.items():
            style = self.style.WARNING if summary.errors else self.style.SUCCESS
            self.stdout.write(style(summary_report(LABELS[kind], summary)))
