import { useNavigate, useSearchParams } from "react-router";
import { analyticsUrl } from "../api/analyticsUrl";
import type { components } from "../api/schema";
import { useAnalytics } from "../api/useAnalytics";
import { BreakdownPanel } from "../components/BreakdownPanel";
import { DataTable, type Column } from "../components/DataTable";
import { DrillBreadcrumb } from "../components/DrillBreadcrumb";
import { FilterBar } from "../components/FilterBar";
import { KpiCard } from "../components/KpiCard";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { TimeSeriesChart } from "../components/TimeSeriesChart";
import { bookDrillUrl } from "../lib/bookDrillUrl";
import { chartColors } from "../lib/chartColors";
import { describeScope } from "../lib/describeScope";
import { formatDecimal, formatInteger } from "../lib/formatDecimal";
import { formatBucket, formatDate, formatRangeEnd } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { sumDecimals } from "../lib/sumDecimals";
import { useDashboardFilters } from "../lib/useDashboardFilters";
import { useMovedCells } from "../lib/useMovedCells";

type TopBook = components["schemas"]["TopBook"];
type SalesBucket = components["schemas"]["SalesBucket"];

const TOP_BOOKS = 10;

function seriesSummary(rows: readonly SalesBucket[], granularity: string): string {
  if (rows.length === 0) return "No revenue in this period.";
  const peak = rows.reduce((best, row) => (Number(row.revenue) > Number(best.revenue) ? row : best));
  const first = rows[0] as SalesBucket;
  const last = rows[rows.length - 1] as SalesBucket;
  return `Revenue per ${granularity} from ${formatBucket(first.bucket, granularity)} to ${formatBucket(last.bucket, granularity)}: total ${formatDecimal(sumDecimals(rows.map((row) => row.revenue)))}, highest ${formatDecimal(peak.revenue)} in ${formatBucket(peak.bucket, granularity)}.`;
}

/** The overview: KPIs, revenue over time, top books, and sales by region and by genre. */
export function OverviewPage() {
  const filters = useDashboardFilters("sales");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const enabled = filters.rangeReady;
  const sales = filters.salesQuery;
  const seriesQuery = { ...sales, granularity: filters.granularity };
  const booksQuery = { ...sales, limit: TOP_BOOKS };

  const summary = useAnalytics("summary", sales, { enabled });
  const series = useAnalytics("timeseries", seriesQuery, { enabled });
  const topBooks = useAnalytics("top-books", booksQuery, { enabled });
  const regions = useAnalytics("sales-by-region", sales, { enabled });
  const genres = useAnalytics("sales-by-genre", sales, { enabled });

  const kpi = summary.data?.result;
  const movedKpis = useMovedCells(
    kpi ? analyticsUrl("summary", sales) : undefined,
    kpi
      ? {
          revenue: kpi.revenue,
          units: String(kpi.units),
          orders: String(kpi.orders),
          aov: kpi.average_order_value ?? "",
        }
      : undefined,
  );
  const buckets = series.data?.results ?? [];
  const books = topBooks.data?.results ?? [];
  const seriesEmpty = buckets.every((row) => row.orders === 0);

  const bookColumns: Column<TopBook>[] = [
    { key: "title", header: "Title", render: (row) => row.title },
    { key: "authors", header: "Authors", render: (row) => row.authors },
    { key: "genre", header: "Genre", render: (row) => row.genre_name ?? "—" },
    { key: "revenue", header: "Revenue", numeric: true, render: (row) => formatDecimal(row.revenue) },
    { key: "units", header: "Units", numeric: true, render: (row) => formatInteger(row.units) },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Overview"
        description="Book sales at a glance: headline numbers, trend, best sellers, regions and genres."
      />
      <FilterBar filters={filters} granularity selects={["region", "genre"]} />
      <DrillBreadcrumb filters={filters} names={["region", "genre"]} />

      <Panel
        name="kpis"
        title="Key figures"
        subtitle={
          kpi
            ? `Changes compare with the period of equal length before: ${formatDate(kpi.previous_start)} – ${formatRangeEnd(kpi.previous_end)}.`
            : undefined
        }
        state={panelState(summary, kpi?.orders === 0)}
        error={summary.error}
        onRetry={() => void summary.refetch()}
        emptyMessage={`No sales ${describeScope(summary.data?.params, filters)}.`}
        contentWhenEmpty
        skeleton="cards"
      >
        {kpi ? (
          <div className="mt-1 grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
            <KpiCard
              name="revenue"
              moved={movedKpis.has("revenue")}
              label="Revenue"
              value={kpi.revenue}
              display={formatDecimal(kpi.revenue)}
              change={kpi.revenue_change}
              previousDisplay={formatDecimal(kpi.previous_revenue)}
            />
            <KpiCard
              name="units"
              moved={movedKpis.has("units")}
              label="Units sold"
              value={String(kpi.units)}
              display={formatInteger(kpi.units)}
              change={kpi.units_change}
              previousDisplay={formatInteger(kpi.previous_units)}
            />
            <KpiCard
              name="orders"
              moved={movedKpis.has("orders")}
              label="Orders"
              value={String(kpi.orders)}
              display={formatInteger(kpi.orders)}
              change={kpi.orders_change}
              previousDisplay={formatInteger(kpi.previous_orders)}
            />
            <KpiCard
              name="aov"
              moved={movedKpis.has("aov")}
              label="Average order value"
              value={kpi.average_order_value}
              display={formatDecimal(kpi.average_order_value)}
              change={kpi.average_order_value_change}
              previousDisplay={formatDecimal(kpi.previous_average_order_value)}
            />
          </div>
        ) : null}
      </Panel>

      <Panel
        name="revenue-over-time"
        title="Revenue over time"
        subtitle={`Revenue per ${filters.granularity}`}
        state={panelState(series, seriesEmpty)}
        error={series.error}
        onRetry={() => void series.refetch()}
        emptyMessage={`No sales ${describeScope(series.data?.params, filters)}.`}
        download={{ endpoint: "timeseries", query: seriesQuery }}
      >
        <TimeSeriesChart
          rows={buckets}
          granularity={filters.granularity}
          summary={seriesSummary(buckets, filters.granularity)}
          series={[
            {
              key: "revenue",
              label: "Revenue",
              color: chartColors.primary,
              type: "line",
              format: (value) => formatDecimal(value),
            },
          ]}
        />
      </Panel>

      <Panel
        name="top-books"
        title="Top books"
        subtitle="By revenue. Click a book to see it on the Top books page."
        state={panelState(topBooks, books.length === 0)}
        error={topBooks.error}
        onRetry={() => void topBooks.refetch()}
        emptyMessage={`No sales ${describeScope(topBooks.data?.params, filters)}.`}
        download={{ endpoint: "top-books", query: booksQuery }}
        skeleton="table"
      >
        <DataTable
          caption="Top books by revenue"
          columns={bookColumns}
          rows={books}
          rowKey={(row) => row.book_id}
          rowTestId={(row) => `row-book-${row.book_id}`}
          liveScope={analyticsUrl("top-books", booksQuery)}
          onRowClick={(row) => navigate(bookDrillUrl(row.title, params))}
          rowActionLabel={(row) => `Show ${row.title} on the Top books page`}
        />
      </Panel>

      <div className="grid gap-4 lg:grid-cols-2">
        <BreakdownPanel
          name="sales-by-region"
          title="Sales by region"
          dimension="region"
          query={regions}
          download={sales}
          filters={filters}
        />
        <BreakdownPanel
          name="sales-by-genre"
          title="Sales by genre"
          dimension="genre"
          query={genres}
          download={sales}
          filters={filters}
        />
      </div>
    </div>
  );
}
