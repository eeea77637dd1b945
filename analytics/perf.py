"""Per-endpoint latency, cache and error figures from the API request log (one JSON line per request)."""

import csv
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

CSV_COLUMNS = ("endpoint", "count", "avg_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "hit_rate", "errors")


@dataclass(frozen=True)
class EndpointStats:
    """What one endpoint's requests cost: count, milliseconds, cache hit rate and server errors."""

    endpoint: str
    count: int
    avg_ms: float
    min_ms: float
    max_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    hit_rate: float | None  # hits / (hits + misses); None when no request reported X-Cache
    errors: int  # responses with status >= 500


@dataclass
class _EndpointSamples:
    ms: list[float] = field(default_factory=list)
    hits: int = 0
    misses: int = 0
    errors: int = 0


class MalformedLine(ValueError):
    """A log line that is not a request record."""


def perf_report_build(
    *,
    lines: Iterable[str],
    since: datetime | None,
    on_skip: Callable[[int, str], None] | None = None,
) -> list[EndpointStats]:
    """Statistics per endpoint, most requested first, from request-log lines at or after `since` (aware).

    Percentiles use the nearest-rank method: the p-th percentile of n sorted times is the
    value at rank ceil(p/100 * n), so it is always a time that was really measured.
    Blank lines are ignored; a line that is not a request record is skipped and reported
    to `on_skip` with its 1-based line number and the reason.
    """
    samples: dict[str, _EndpointSamples] = defaultdict(_EndpointSamples)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            endpoint, ts, status, ms, cache = _record_parse(line)
        except MalformedLine as error:
            if on_skip is not None:
                on_skip(number, str(error))
            continue
        if since is not None and ts < since:
            continue
        endpoint_samples = samples[endpoint]
        endpoint_samples.ms.append(ms)
        endpoint_samples.hits += cache == "HIT"
        endpoint_samples.misses += cache == "MISS"
        endpoint_samples.errors += status >= 500
    stats = [_endpoint_stats(endpoint, endpoint_samples) for endpoint, endpoint_samples in samples.items()]
    return sorted(stats, key=lambda row: (-row.count, row.endpoint))


def percentile_nearest_rank(ordered: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile of already sorted, non-empty values."""
    # Multiply first: percent * n is exact, so a whole rank is never nudged up by rounding.
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


def _endpoint_stats(endpoint: str, samples: _EndpointSamples) -> EndpointStats:
    ordered = sorted(samples.ms)
    reported = samples.hits + samples.misses
    return EndpointStats(
        endpoint=endpoint,
        count=len(ordered),
        avg_ms=math.fsum(ordered) / len(ordered),
        min_ms=ordered[0],
        max_ms=ordered[-1],
        p50_ms=percentile_nearest_rank(ordered, 50),
        p95_ms=percentile_nearest_rank(ordered, 95),
        p99_ms=percentile_nearest_rank(ordered, 99),
        hit_rate=samples.hits / reported if reported else None,
        errors=samples.errors,
    )


def _record_parse(line: str) -> tuple[str, datetime, int, float, str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise MalformedLine(f"not JSON ({error.msg})") from None
    if not isinstance(record, dict):
        raise MalformedLine("not a JSON object")
    endpoint, status, ms, cache = record.get("endpoint"), record.get("status"), record.get("ms"), record.get("cache")
    if not isinstance(endpoint, str) or not endpoint:
        raise MalformedLine("no endpoint")
    # bool is an int subclass; true/false is not a status or a duration.
    if not isinstance(status, int) or isinstance(status, bool):
        raise MalformedLine("no integer status")
    if not isinstance(ms, int | float) or isinstance(ms, bool) or not math.isfinite(ms):
        raise MalformedLine("no number of milliseconds")
    if cache is not None and not isinstance(cache, str):
        raise MalformedLine("cache is not a string")
    try:
        ts = datetime.fromisoformat(record["ts"])
    except (KeyError, TypeError, ValueError):
        raise MalformedLine("no ISO timestamp") from None
    # The middleware writes UTC with an offset; a naive time from elsewhere is taken as UTC.
    return endpoint, ts if ts.tzinfo else ts.replace(tzinfo=UTC), status, float(ms), cache


def perf_report_csv_write(*, stats: Iterable[EndpointStats], path: Path) -> None:
    """Write the report as CSV with a header row; milliseconds to 2 decimals, hit rate to 4, none as empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_COLUMNS)
        for row in stats:
            writer.writerow(
                [
                    row.endpoint,
                    row.count,
                    *(f"{ms:.2f}" for ms in (row.avg_ms, row.min_ms, row.max_ms, row.p50_ms, row.p95_ms, row.p99_ms)),
                    "" if row.hit_rate is None else f"{row.hit_rate:.4f}",
                    row.errors,
                ]
            )
