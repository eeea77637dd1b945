"""`manage.py warehouse_status`: the generation the API serves and the latest load attempts."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analytics.selectors import current_generation, recent_generations
from analytics.warehouse.backends import warehouse_problem


class Command(BaseCommand):
    """Print the current generation, its as-of time, and the last loads."""

    help = "Show the current warehouse generation and the most recent load attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        """How many attempts to list."""
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the status."""
        limit: int = options["limit"]
        current = current_generation()
        if current is None:
            self.stdout.write("No generation published yet: run manage.py sync_warehouse.")
        else:
            high = max(current.watermark.values(), default="")
            self.stdout.write(f"Current generation {current.number} ({current.backend}), data as of {high}")
            self.stdout.write(f"  location: {current.location}")
            self.stdout.write(f"  warehouse: {warehouse_problem(current.location) or 'available'}")
        for attempt in recent_generations(limit):
            number = attempt.number or "-"
            total = attempt.timings.get("total", 0)
            line = (
                f"  attempt {attempt.pk:>5}  generation {number!s:>5}  {attempt.status:<9} "
                f"{attempt.started_at:%Y-%m-%d %H:%M:%S}  {total:.2f} s"
            )
            if attempt.error:
                line += f"  error: {attempt.error[:200]}"
            if attempt.note:
                line += f"  note: {attempt.note[:200]}"
            self.stdout.write(line)
