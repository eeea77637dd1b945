"""What every analytics question shares: the generation and scope it reads, filters, SQL fragments.

Every question reads one workspace's rows (a bound `workspace_id = %s` on each fact and rollup
it reads) within the scope's row limits. SQL is written once in the subset DuckDB, PostgreSQL
and Redshift share, with `%s` placeholders (the DuckDB backend turns them into `?`); values
are always bound, and the only identifiers spliced into SQL come from fixed allowlists in the query modules.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from analytics.warehouse.base import Warehouse
from workspaces.scope import Scope

CENTS = Decimal("0.01")
RATIO = Decimal("0.0001")
GRANULARITIES = ("day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class Source:
    """The published generation a question is answered from, and the scope it may see there
    (the runner builds both from the same scope it puts in the cache key)."""

    warehouse: Warehouse
    location: str
    scope: Scope

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run one read-only statement against this generation."""
        return self.warehouse.fetch(self.location, sql, list(params))


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Its length in days."""
        return (self.end - self.start).days

    def previous(self) -> "Period":
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start)


def placeholders(values: Sequence[object]) -> str:
    """`%s, %s, …` for an IN list of bound values."""
    return ", ".join(["%s"] * len(values))


def in_filter(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    """` AND column IN (…)` with its bound values, or nothing when no value is asked for."""
    if not values:
        return "", []
    return f" AND {column} IN ({placeholders(values)})", list(values)


def workspace_filter(scope: Scope, alias: str) -> tuple[str, list[object]]:
    """`alias.workspace_id = %s` with the scope's workspace bound."""
    return f"{alias}.workspace_id = %s", [scope.workspace_id]


def code_filter(column: str, dimension: str, key: str, code: str, values: Sequence[object]) -> tuple[str, list[object]]:
    """` AND column IN (ids of the dimension rows whose code is one of values)`, or nothing
    when no value is given; two of them (a parameter, a scope's limits) intersect."""
    if not values:
        return "", []
    return f" AND {column} IN (SELECT {key} FROM {dimension} WHERE {code} IN ({placeholders(values)}))", list(values)


NOTHING = " AND 1 = 0"  # what a scope may not see at all (statement lines under department limits)


def money(value: Decimal | int | float | None) -> Decimal:
    """A warehouse SUM as exact money (NULL, an empty sum, is zero)."""
    amount = Decimal(value or 0).quantize(CENTS, rounding=ROUND_HALF_UP)
    return amount if amount else Decimal("0.00")  # never "-0.00"


def count(value: Decimal | int | None) -> int:
    """A warehouse count or SUM of integers (PostgreSQL returns NUMERIC for SUM(bigint))."""
    return int(value or 0)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator to four places (0.1234 is 12.34 %), or None when undefined."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, rounding=ROUND_HALF_UP)


def change(current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """Relative change from previous to current (0.1 is +10 %), None when previous is zero."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) / Decimal(previous)).quantize(RATIO, rounding=ROUND_HALF_UP)


def bucket_start(day: date, granularity: str) -> date:
    """The first day of the bucket holding `day`, as date_trunc computes it (weeks start on Monday)."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def bucket_next(start: date, granularity: str) -> date:
    """The first day of the bucket after the one starting at `start`."""
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def buckets(period: Period, granularity: str) -> list[date]:
    """Every bucket a period touches, in order, so that a series has no holes."""
    starts = []
    current = bucket_start(period.start, granularity)
    while current < period.end:
        starts.append(current)
        current = bucket_next(current, granularity)
    return starts


BUCKET_SQL = "CAST(date_trunc(%s, CAST({column} AS TIMESTAMP)) AS DATE)"
