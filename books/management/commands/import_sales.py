"""`manage.py import_sales`: import historical sales from a CSV, streaming, all or nothing, idempotently."""

from typing import Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser

from books.management.commands.import_books import import_arguments, import_run
from books.models import Sale
from books.services.imports import SALE_FIELDS, sales_import
from config.arguments import FileImportOptions
from config.imports import ImportRefused, mapping_parse


class SalesImportOptions(FileImportOptions):
    """The shared import options and --create-missing."""

    create_missing: bool


class Command(BaseCommand):
    """Parse the options, show progress, call `sales_import`."""

    help = (
        "Import sales from a CSV: sold_at (date, or time with zone), isbn or book_id, region (code), quantity, "
        "unit_price, and optionally discount and channel. A line identical to a sale already stored is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The path, the shared import options and --create-missing."""
        import_arguments(parser, SALE_FIELDS)
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create unknown region codes (named by their code) instead of rejecting their rows.",
        )

    def handle(self, *args: object, **options: Unpack[SalesImportOptions]) -> None:
        """Import, then print read / created / updated / unchanged / rejected."""
        try:
            mapping = mapping_parse(options["map"])
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        import_run(
            self,
            options,
            lambda progress, workspace: sales_import(
                path=options["path"],
                workspace=workspace,
                mapping=mapping,
                skip_invalid=options["skip_invalid"],
                create_missing=options["create_missing"],
                rejects=options["rejects"],
                progress=progress,
                using=options["database"],
            ),
            kind="sales",
            model=Sale,
        )
