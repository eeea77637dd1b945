"""`manage.py generate_sales_data`: realistic books and sales for demos and benchmarks."""

import dataclasses
from typing import Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from analytics.sync import SyncBusy, sync_after_write
from analytics.warehouse.base import LoadError
from audit.services import audit_bulk
from books.models import Sale
from books.services.generation import (
    MAX_BATCH,
    InvalidGenerationRequest,
    SalesDataSpec,
    sales_data_generate,
)
from config.arguments import GenerateOptions, ascii_int, iso_date, workspace_option, workspace_option_resolve
from config.progress import progress_for


class SalesDataOptions(GenerateOptions):
    """The options `add_arguments` declares."""

    books: int
    sales: int


class Command(BaseCommand):
    """Parse the options, show progress, call `sales_data_generate`."""

    help = "Generate realistic books, authors and sales (Zipf popularity, seasonality, regions, discounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        """The options users know from the seed project, plus reproducibility and size controls."""
        parser.add_argument("--books", type=ascii_int, default=500, help="New books to create (default 500).")
        parser.add_argument("--sales", type=ascii_int, default=10_000, help="Sales to create (default 10000).")
        parser.add_argument(
            "--seed", type=ascii_int, default=None, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument(
            "--years", type=ascii_int, default=5, help="Years of sales history ending at --end-date (default 5)."
        )
        parser.add_argument(
            "--end-date", type=iso_date, default=None, help="Last day of sales, YYYY-MM-DD (default today)."
        )
        parser.add_argument(
            "--batch-size", type=ascii_int, default=100_000, help=f"Rows per write (1000..{MAX_BATCH})."
        )
        parser.add_argument("--skip-upload", action="store_true", help="Do not export the new rows to the lake.")
        parser.add_argument(
            "--skip-redshift", action="store_true", help="Export to the lake but do not load the warehouse."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when sales already exist (used by the demo)."
        )
        workspace_option(parser, what="books and sales")
        parser.add_argument("--database", default="default", help="Database alias to write to (default 'default').")

    def handle(self, *args: object, **options: Unpack[SalesDataOptions]) -> None:
        """Generate, then print what was written."""
        using = options["database"]
        if using not in connections:
            raise CommandError(f"--database {using!r} is not a configured database alias")
        workspace = workspace_option_resolve(options["workspace"], using=using)
        spec = SalesDataSpec(
            books=options["books"],
            sales=options["sales"],
            seed=options["seed"],
            years=options["years"],
            batch_size=options["batch_size"],
            workspace=workspace.slug,
        )
        if options["end_date"]:
            spec = dataclasses.replace(spec, end_date=options["end_date"])
        try:
            spec.validate()
        except InvalidGenerationRequest as error:
            raise CommandError(str(error)) from None
        if options["if_empty"] and Sale.objects.using(using).filter(workspace=workspace).exists():
            self.stdout.write("Sales already exist; nothing generated (--if-empty).")
            return
        progress = progress_for(options)
        try:
            with audit_bulk(
                via="command generate_sales_data",
                action="generate",
                kind="sales",
                model=Sale,
                workspace_id=workspace.pk,
            ) as event:
                result = sales_data_generate(spec=spec, using=using, progress=progress)
                event.counts.update(
                    books=result.books, authors=result.authors, sales=result.sales, revenue=str(result.revenue)
                )
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.books:,} books by {result.authors:,} authors and {result.sales:,} sales "
                f"({result.units:,} copies, revenue {result.revenue:,}) in {result.seconds:.1f} s; seed {result.seed}."
            )
        )
        if result.first_day:
            self.stdout.write(f"Sales run from {result.first_day} to {result.last_day}.")
        try:
            self.stdout.write(
                sync_after_write(skip_upload=options["skip_upload"], skip_redshift=options["skip_redshift"])
            )
        except (SyncBusy, LoadError) as error:
            raise CommandError(f"the data is saved, but the warehouse sync failed: {error}") from None
