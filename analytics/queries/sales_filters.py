"""The filters every book-sales question shares, as SQL over the daily rollups, within a scope."""

from dataclasses import dataclass

from analytics.queries.base import Period, code_filter
from workspaces.scope import Scope


@dataclass(frozen=True)
class SalesFilters:
    """A date range and optional regions (codes) and genres (slugs). `span` is the days with
    sales in the generation asked (its first day and the day after its last), when known: a
    question may then read a rollup of all the data for a period that covers them all."""

    period: Period
    regions: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    span: Period | None = None

    def where(self, scope: Scope, alias: str = "a", period: Period | None = None) -> tuple[str, list[object]]:
        """The WHERE clause over a daily sales rollup (aliased) and its bound values: the scope's
        workspace and regions, the period, and the filters; both daily rollups have
        workspace_id, sale_date, region_id and genre_id."""
        period = period or self.period
        dimensions, values = self.dimensions(scope, alias)
        sql = f" WHERE {alias}.workspace_id = %s AND {alias}.sale_date >= %s AND {alias}.sale_date < %s{dimensions}"
        return sql, [scope.workspace_id, period.start, period.end, *values]

    def dimensions(self, scope: Scope, alias: str = "a") -> tuple[str, list[object]]:
        """The region and genre conditions alone (` AND …`), for a rollup without dates or
        regions (the caller adds the workspace): the scope's region limits and the asked
        regions both apply, so a region outside the limits gives no rows."""
        sql, values = "", []
        for column, dimension, key, code, codes in (
            (f"{alias}.region_id", "dim_region", "region_id", "code", scope.regions),
            (f"{alias}.region_id", "dim_region", "region_id", "code", self.regions),
            (f"{alias}.genre_id", "dim_genre", "genre_id", "slug", self.genres),
        ):
            condition, bound = code_filter(column, dimension, key, code, codes)
            sql += condition
            values += bound
        return sql, values

    def by_region(self, scope: Scope) -> bool:
        """Whether the answer depends on regions (asked, or limited by the scope): only the
        day × book × region rollup has them."""
        return bool(self.regions or scope.regions)
