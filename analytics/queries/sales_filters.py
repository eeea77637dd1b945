"""The filters every book-sales question shares, as SQL over the daily rollup."""

from dataclasses import dataclass

from analytics.queries.base import Period, placeholders


@dataclass(frozen=True)
class SalesFilters:
    """A date range and optional regions (codes) and genres (slugs). `span` is the days with
    sales in the generation asked (its first day and the day after its last), when known: a
    question may then read a rollup of all the data for a period that covers them all."""

    period: Period
    regions: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    span: Period | None = None

    def where(self, alias: str = "a", period: Period | None = None) -> tuple[str, list[object]]:
        """The WHERE clause over a daily sales rollup (aliased) and its bound values; both
        rollups have sale_date, region_id and genre_id."""
        period = period or self.period
        dimensions, values = self.dimensions(alias)
        sql = f" WHERE {alias}.sale_date >= %s AND {alias}.sale_date < %s{dimensions}"
        return sql, [period.start, period.end, *values]

    def dimensions(self, alias: str = "a") -> tuple[str, list[object]]:
        """The region and genre conditions alone (` AND …`), for a rollup without dates."""
        sql = ""
        values: list[object] = []
        if self.regions:
            sql += (
                f" AND {alias}.region_id IN"
                f" (SELECT region_id FROM dim_region WHERE code IN ({placeholders(self.regions)}))"
            )
            values += list(self.regions)
        if self.genres:
            sql += (
                f" AND {alias}.genre_id IN (SELECT genre_id FROM dim_genre WHERE slug IN ({placeholders(self.genres)}))"
            )
            values += list(self.genres)
        return sql, values
