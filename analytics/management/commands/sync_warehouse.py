"""`manage.py sync_warehouse`: export what changed, load it, publish a generation."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.sync import SyncBusy, warehouse_sync
from analytics.warehouse.base import LoadError
from analytics.warehouse.schema import TABLES_BY_NAME


class Command(BaseCommand):
    """Run one sync and print rows and seconds per step."""

    help = "Export changed rows to the lake and load them into the warehouse as a new generation."

    def add_arguments(self, parser: CommandParser) -> None:
        """--full rebuilds from scratch; --table limits an incremental sync to some tables."""
        parser.add_argument("--full", action="store_true", help="Rebuild the warehouse from scratch.")
        parser.add_argument(
            "--table", action="append", choices=sorted(TABLES_BY_NAME), help="Sync only this table (repeatable)."
        )

    def handle(self, *args: object, **options: object) -> None:
        """Sync, then summarise."""
        try:
            generation = warehouse_sync(full=bool(options["full"]), tables=options["table"])
        except (SyncBusy, LoadError) as error:
            raise CommandError(str(error)) from None
        kind = "full refresh" if generation.full_refresh else "incremental sync"
        self.stdout.write(
            self.style.SUCCESS(
                f"Published generation {generation.number} ({kind}, {generation.backend}) "
                f"in {generation.timings['total']:.2f} s."
            )
        )
        for table, counts in generation.rows.items():
            if counts["exported"] or options["verbosity"] > 1:
                self.stdout.write(
                    f"  {table:<22} {counts['exported']:>10,} exported {counts['loaded']:>12,} in warehouse"
                )
        steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in generation.timings.items())
        self.stdout.write(f"  steps: {steps}")
