"""`manage.py sync_warehouse`: export what changed, load it, publish a generation; or,
with --from-lake, rebuild a generation from the lake alone."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.sync import SyncBusy, warehouse_rebuild_from_lake, warehouse_sync
from analytics.warehouse.base import LoadError
from analytics.warehouse.schema import TABLES_BY_NAME


class Command(BaseCommand):
    """Run one sync and print rows and seconds per step."""

    help = "Export changed rows to the lake and load them into the warehouse as a new generation."

    def add_arguments(self, parser: CommandParser) -> None:
        """--full rebuilds from scratch; --table limits an incremental sync to some tables;
        --from-lake rebuilds from the lake alone."""
        parser.add_argument("--full", action="store_true", help="Rebuild the warehouse from scratch.")
        parser.add_argument(
            "--from-lake",
            action="store_true",
            help="Build a new generation from the lake's batches alone (no export): to recover a lost"
            " warehouse or fill another backend. Every file is verified first; a missing, extra or altered"
            " file publishes nothing.",
        )
        parser.add_argument(
            "--table", action="append", choices=sorted(TABLES_BY_NAME), help="Sync only this table (repeatable)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Sync, then summarise."""
        from_lake: bool = options["from_lake"]
        full: bool = options["full"]
        tables: list[str] | None = options["table"]
        verbosity: int = options["verbosity"]
        if from_lake and (full or tables):
            raise CommandError("--from-lake rebuilds every table from the lake; it takes no --full or --table")
        try:
            generation = warehouse_rebuild_from_lake() if from_lake else warehouse_sync(full=full, tables=tables)
        except (SyncBusy, LoadError) as error:
            raise CommandError(str(error)) from None
        if from_lake:
            kind = "rebuilt from the lake"
        else:
            kind = "full refresh" if generation.full_refresh else "incremental sync"
        self.stdout.write(
            self.style.SUCCESS(
                f"Published generation {generation.number} ({kind}, {generation.backend}) "
                f"in {generation.timings['total']:.2f} s."
            )
        )
        for table, counts in generation.rows.items():
            if counts["exported"] or verbosity > 1:
                self.stdout.write(
                    f"  {table:<22} {counts['exported']:>10,} exported {counts['loaded']:>12,} in warehouse"
                )
        steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in generation.timings.items())
        self.stdout.write(f"  steps: {steps}")
