"""`manage.py perf_report`: latency percentiles, cache hit rate and errors per API endpoint, from the request log."""

import argparse
import os
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from analytics.perf import EndpointStats, perf_report_build, perf_report_csv_write

DURATION = re.compile(r"(\d+)\s*([smhd])")
DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def since_parse(text: str) -> datetime:
    """A start time for argparse: an ISO date-time (naive means TIME_ZONE) or a duration back from now (30m, 1h, 7d)."""
    text = text.strip()
    duration = DURATION.fullmatch(text)
    if duration:
        return timezone.now() - timedelta(**{DURATION_UNITS[duration[2]]: int(duration[1])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an ISO date-time (2025-06-01T08:00) nor a duration like 30m, 1h or 7d"
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def lines_with_progress(lines: Iterable[str], *, total_bytes: int, enabled: bool) -> Iterator[str]:
    """The lines, moving a tqdm bar by their size on a terminal; the log is ASCII, so characters are bytes."""
    if not enabled:
        yield from lines
        return
    with tqdm(total=total_bytes, unit="B", unit_scale=True, desc="reading", file=sys.stderr) as bar:
        for line in lines:
            bar.update(len(line))
            yield line


class Command(BaseCommand):
    """Read the API request log, print a table per endpoint and write it as CSV."""

    help = "Summarise the API request log: count, avg/min/max/p50/p95/p99 ms, cache hit rate and 5xx per endpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        """Which log to read, where the CSV goes, and from when."""
        parser.add_argument("--log", type=Path, default=None, help="Request log to read (default API_LOG_PATH).")
        parser.add_argument(
            "--csv", type=Path, default=None, help="CSV to write (default perf_report.csv in VAR_DIR, else by the log)."
        )
        parser.add_argument(
            "--since",
            type=since_parse,
            default=None,
            help="Only requests from this ISO date-time, or this long ago (30m, 1h, 7d).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, summarise, print and write."""
        log_option: Path | None = options["log"]
        csv_option: Path | None = options["csv"]
        since: datetime | None = options["since"]
        verbosity: int = options["verbosity"]
        log_path = Path(log_option or settings.API_LOG_PATH)
        var_dir = getattr(settings, "VAR_DIR", None)
        csv_path = Path(csv_option or (Path(var_dir) if var_dir else log_path.parent) / "perf_report.csv")
        skipped: list[tuple[int, str]] = []
        try:
            with log_path.open(encoding="utf-8", errors="replace") as log:
                progress = sys.stderr.isatty() and not os.environ.get("CI") and verbosity > 0
                stats = perf_report_build(
                    lines=lines_with_progress(log, total_bytes=log_path.stat().st_size, enabled=progress),
                    since=since,
                    on_skip=lambda number, reason: skipped.append((number, reason)),
                )
        except FileNotFoundError:
            raise CommandError(
                f"No API request log at {log_path}; ApiRequestLogMiddleware writes it once the API has served "
                "requests. Pass --log or set API_LOG_PATH to read another file."
            ) from None
        except OSError as error:
            raise CommandError(f"Cannot read the API request log at {log_path}: {error}") from None

        if skipped:
            self.stderr.write(
                self.style.WARNING(f"skipped {len(skipped)} malformed {plural(len(skipped), 'line')} in {log_path}")
            )
            if verbosity > 1:
                for number, reason in skipped:
                    self.stderr.write(f"  line {number}: {reason}")
        window = f" since {since.isoformat(timespec='seconds')}" if since else ""
        requests = sum(row.count for row in stats)
        self.stdout.write(
            f"{requests:,} {plural(requests, 'request')} to {len(stats)} {plural(len(stats), 'endpoint')} "
            f"in {log_path}{window}"
        )
        if stats:
            for line in stats_table(stats):
                self.stdout.write(line)
        try:
            perf_report_csv_write(stats=stats, path=csv_path)
        except OSError as error:
            raise CommandError(f"Cannot write the CSV report to {csv_path}: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {csv_path}"))


def plural(count: int, noun: str) -> str:
    """The noun, with an s unless there is exactly one."""
    return noun if count == 1 else f"{noun}s"


def stats_table(stats: list[EndpointStats]) -> list[str]:
    """The report as aligned terminal lines: a header, then one row per endpoint."""
    width = max(len("endpoint"), *(len(row.endpoint) for row in stats))
    header = (
        f"{'endpoint':<{width}} {'count':>8} {'avg ms':>9} {'min ms':>9} {'max ms':>9} "
        f"{'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'hit rate':>8} {'5xx':>6}"
    )
    rows = [header, "-" * len(header)]
    for row in stats:
        hit_rate = "-" if row.hit_rate is None else f"{row.hit_rate:.1%}"
        rows.append(
            f"{row.endpoint:<{width}} {row.count:>8,} {row.avg_ms:>9.2f} {row.min_ms:>9.2f} {row.max_ms:>9.2f} "
            f"{row.p50_ms:>9.2f} {row.p95_ms:>9.2f} {row.p99_ms:>9.2f} {hit_rate:>8} {row.errors:>6,}"
        )
    return rows
