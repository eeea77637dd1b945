import { useAnalytics } from "../api/useAnalytics";
import { breakdownRows, type BreakdownDimension } from "../lib/breakdownRows";
import { chartColors } from "../lib/chartColors";
import { describeScope } from "../lib/describeScope";
import { formatDecimal, formatInteger } from "../lib/formatDecimal";
import { formatBucket } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { sumDecimals } from "../lib/sumDecimals";
import { useDashboardFilters } from "../lib/useDashboardFilters";
import { BreakdownPanel } from "./BreakdownPanel";
import { DrillBreadcrumb } from "./DrillBreadcrumb";
import { FilterBar } from "./FilterBar";
import { PageHeader } from "./PageHeader";
import { Panel } from "./Panel";
import { TimeSeriesChart } from "./TimeSeriesChart";

const TEXT = {
  region: { title: "Regions", plural: "regions", endpoint: "sales-by-region" },
  genre: { title: "Genres", plural: "genres", endpoint: "sales-by-genre" },
} as const;

/** The Regions or Genres page: the breakdown table (share of total, change against the
 * previous period) and the revenue trend of the selected one, or else of the top one. */
export function BreakdownView({ dimension }: { dimension: BreakdownDimension }) {
  const text = TEXT[dimension];
  const filters = useDashboardFilters("sales");
  const sales = filters.salesQuery;
  const breakdown = useAnalytics(text.endpoint, sales, { enabled: filters.rangeReady });
  const rows = breakdownRows(breakdown.data?.results);
  const selected = filters[dimension];
  const focus = selected ?? rows[0]?.code;
  const focusName = rows.find((row) => row.code === focus)?.name ?? focus;
  const trendQuery = { ...sales, granularity: filters.granularity, [dimension]: focus };
  const trend = useAnalytics("timeseries", trendQuery, { enabled: filters.rangeReady && focus !== undefined });
  const buckets = trend.data?.results ?? [];

  // Without a selection the trend follows the table's top row, so it waits for the table.
  const trendState =
    !selected && breakdown.isError
      ? "error"
      : !selected && breakdown.isSuccess && rows.length === 0
        ? "empty"
        : focus === undefined
          ? "loading"
          : panelState(
              trend,
              buckets.every((row) => row.orders === 0),
            );

  const trendSummary =
    buckets.length > 0
      ? `Revenue per ${filters.granularity} for ${focusName}, ${formatBucket(buckets[0]?.bucket ?? "", filters.granularity)} to ${formatBucket(buckets[buckets.length - 1]?.bucket ?? "", filters.granularity)}: total ${formatDecimal(sumDecimals(buckets.map((row) => row.revenue)))}.`
      : "No revenue.";

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title={text.title}
        description={`Sales by ${dimension}: share of the total and change against the previous period of equal length.`}
      />
      <FilterBar filters={filters} granularity selects={["region", "genre"]} />
      <DrillBreadcrumb filters={filters} names={["region", "genre"]} />
      <BreakdownPanel
        name={`${text.plural}-table`}
        title={`Sales by ${dimension}`}
        dimension={dimension}
        query={breakdown}
        download={sales}
        filters={filters}
        full
      />
      <Panel
        name={`${text.plural}-trend`}
        title={focusName ? `Revenue trend: ${focusName}` : "Revenue trend"}
        subtitle={
          selected
            ? `The selected ${dimension}, per ${filters.granularity}.`
            : `The top ${dimension} in the table, per ${filters.granularity}; click a row to see another.`
        }
        state={trendState}
        error={!selected && breakdown.isError ? breakdown.error : trend.error}
        onRetry={() => void (!selected && breakdown.isError ? breakdown.refetch() : trend.refetch())}
        emptyMessage={`No sales ${describeScope(trend.data?.params ?? breakdown.data?.params, filters)}${focusName && !selected ? ` in ${focusName}` : ""}.`}
        download={focus ? { endpoint: "timeseries", query: trendQuery } : undefined}
      >
        <TimeSeriesChart
          rows={buckets}
          granularity={filters.granularity}
          summary={trendSummary}
          series={[
            {
              key: "revenue",
              label: "Revenue",
              color: chartColors.primary,
              type: "bar",
              format: (value) => formatDecimal(value),
            },
            {
              key: "units",
              label: "Units",
              color: chartColors.secondary,
              type: "line",
              axis: "right",
              format: (value) => formatInteger(Number(value)),
            },
          ]}
        />
      </Panel>
    </div>
  );
}
