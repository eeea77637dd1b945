"""`manage.py generate_finance_data`: a city's ledger, budgets and compte de résultat."""

import dataclasses
from typing import Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from analytics.sync import SyncBusy, sync_after_write
from analytics.warehouse.base import LoadError
from audit.services import audit_bulk
from config.arguments import GenerateOptions, ascii_int, iso_date, workspace_option, workspace_option_resolve
from finance.models import LedgerEntry
from finance.services.generation import (
    MAX_BATCH,
    FinanceDataSpec,
    InvalidFinanceRequest,
    finance_data_generate,
)


class FinanceDataOptions(GenerateOptions):
    """The options `add_arguments` declares."""

    entries: int


class Command(BaseCommand):
    """Parse the options, call `finance_data_generate`, print what it wrote."""

    help = "Generate departments, funds, cost centres, ledger entries, budgets and statement lines."

    def add_arguments(self, parser: CommandParser) -> None:
        """Size, reproducibility and the pipeline switches shared with generate_sales_data."""
        parser.add_argument(
            "--entries", type=ascii_int, default=20_000, help="Ledger entries to create (default 20000)."
        )
        parser.add_argument("--years", type=ascii_int, default=5, help="Fiscal years of history (default 5).")
        parser.add_argument(
            "--seed", type=ascii_int, default=None, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument("--end-date", type=iso_date, default=None, help="Last day of the ledger (default today).")
        parser.add_argument("--batch-size", type=ascii_int, default=5_000, help=f"Rows per insert (100..{MAX_BATCH}).")
        parser.add_argument("--skip-upload", action="store_true", help="Do not export the new rows to the lake.")
        parser.add_argument(
            "--skip-redshift", action="store_true", help="Export to the lake but do not load the warehouse."
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when ledger entries already exist.")
        workspace_option(parser, what="ledger, budgets and statement")
        parser.add_argument("--database", default="default", help="Database alias to write to (default 'default').")

    def handle(self, *args: object, **options: Unpack[FinanceDataOptions]) -> None:
        """Generate, then print the totals."""
        using = options["database"]
        if using not in connections:
            raise CommandError(f"--database {using!r} is not a configured database alias")
        workspace = workspace_option_resolve(options["workspace"], using=using)
        spec = FinanceDataSpec(
            entries=options["entries"],
            years=options["years"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            workspace=workspace.slug,
        )
        if options["end_date"]:
            spec = dataclasses.replace(spec, end_date=options["end_date"])
        try:
            spec.validate()
        except InvalidFinanceRequest as error:
            raise CommandError(str(error)) from None
        if options["if_empty"] and LedgerEntry.objects.using(using).filter(workspace=workspace).exists():
            self.stdout.write("Ledger entries already exist; nothing generated (--if-empty).")
            return
        with audit_bulk(
            via="command generate_finance_data",
            action="generate",
            kind="finance",
            model=LedgerEntry,
            workspace_id=workspace.pk,
        ) as event:
            result = finance_data_generate(spec=spec, using=using)
            event.counts.update(entries=result.entries, budgets=result.budgets, statement_lines=result.statement_lines)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.entries:,} ledger entries "
                f"(revenues {result.revenues:,}, expenses {result.expenses:,}) "
                f"for {result.departments} departments, {result.funds} funds and {result.cost_centers} cost centres; "
                f"{result.budgets} budgets; {result.statement_lines} statement lines for exercices "
                f"{', '.join(map(str, result.exercices))}; in {result.seconds:.1f} s; seed {result.seed}."
            )
        )
        try:
            self.stdout.write(
                sync_after_write(skip_upload=options["skip_upload"], skip_redshift=options["skip_redshift"])
            )
        except (SyncBusy, LoadError) as error:
            raise CommandError(f"the data is saved, but the warehouse sync failed: {error}") from None
