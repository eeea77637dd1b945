import { analyticsUrl } from "../api/analyticsUrl";
import type { UseQueryResult } from "@tanstack/react-query";
import type { AnalyticsResponse } from "../api/useAnalytics";
import { breakdownRows, type BreakdownDimension, type BreakdownRow } from "../lib/breakdownRows";
import { chartColors } from "../lib/chartColors";
import { describeScope } from "../lib/describeScope";
import { formatDecimal, formatInteger } from "../lib/formatDecimal";
import { formatRatio } from "../lib/formatRatio";
import { panelState } from "../lib/panelState";
import { sumDecimals } from "../lib/sumDecimals";
import type { DashboardFilters } from "../lib/useDashboardFilters";
import { BarBreakdownChart } from "./BarBreakdownChart";
import { ChangeBadge } from "./ChangeBadge";
import { DataTable, type Column } from "./DataTable";
import { Panel } from "./Panel";

type BreakdownAnswer = AnalyticsResponse<"sales-by-region"> | AnalyticsResponse<"sales-by-genre">;

interface BreakdownPanelProps {
  name: string;
  title: string;
  dimension: BreakdownDimension;
  query: UseQueryResult<BreakdownAnswer>;
  download: object;
  filters: DashboardFilters;
  /** The full table (units, orders, previous period) rather than the overview's short one. */
  full?: boolean;
}

const CHART_ROWS = 10;

/** Sales per region or genre: a bar chart of the top ones and a table of all, where a
 * click on a bar or a row filters the dashboard to it. */
export function BreakdownPanel({
  name,
  title,
  dimension,
  query,
  download,
  filters,
  full = false,
}: BreakdownPanelProps) {
  const rows = breakdownRows(query.data?.results);
  const state = panelState(query, rows.length === 0);
  const noun = dimension === "region" ? "region" : "genre";
  const endpoint = dimension === "region" ? "sales-by-region" : "sales-by-genre";
  const drill = (row: BreakdownRow) => filters.update({ [dimension]: row.code });
  const selected = (row: BreakdownRow) => filters[dimension] === row.code;
  const total = sumDecimals(rows.map((row) => row.revenue));
  const top = rows[0];
  const summary = top
    ? `Revenue by ${noun}, ${rows.length} ${noun}s, total ${formatDecimal(total)}. Largest: ${top.name} with ${formatDecimal(top.revenue)} (${formatRatio(top.share)}).`
    : `No revenue by ${noun}.`;

  const columns: Column<BreakdownRow>[] = [
    { key: "name", header: dimension === "region" ? "Region" : "Genre", render: (row) => row.name },
    { key: "revenue", header: "Revenue", numeric: true, render: (row) => formatDecimal(row.revenue) },
    { key: "share", header: "Share", numeric: true, render: (row) => formatRatio(row.share) },
    ...(full
      ? [
          { key: "units", header: "Units", numeric: true, render: (row: BreakdownRow) => formatInteger(row.units) },
          { key: "orders", header: "Orders", numeric: true, render: (row: BreakdownRow) => formatInteger(row.orders) },
          {
            key: "previous",
            header: "Previous period",
            numeric: true,
            render: (row: BreakdownRow) => formatDecimal(row.previous_revenue),
          },
        ]
      : []),
    {
      key: "change",
      header: "Change",
      numeric: true,
      render: (row) => <ChangeBadge value={row.revenue_change} />,
    },
  ];

  return (
    <Panel
      name={name}
      title={title}
      subtitle={`Click a bar or row to filter the dashboard to that ${noun}.`}
      state={state}
      error={query.error}
      onRetry={() => void query.refetch()}
      emptyMessage={`No sales ${describeScope(query.data?.params, filters)}.`}
      download={{ endpoint, query: download }}
      skeleton="table"
    >
      <div className={full ? "grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]" : "space-y-3"}>
        <BarBreakdownChart
          rows={rows.slice(0, CHART_ROWS)}
          label={(row) => row.name}
          value={{
            key: "revenue",
            label: "Revenue",
            color: chartColors.primary,
            format: (value) => formatDecimal(value),
          }}
          extra={[
            { key: "share", label: "Share", color: chartColors.neutral, format: formatRatio },
            {
              key: "units",
              label: "Units",
              color: chartColors.secondary,
              format: (value) => formatInteger(Number(value)),
            },
          ]}
          summary={summary}
          onSelect={drill}
          isSelected={selected}
        />
        <DataTable
          caption={`${title}: revenue, share of the total and change against the previous period`}
          columns={columns}
          rows={rows}
          rowKey={(row) => row.code}
          rowTestId={(row) => `row-${dimension}-${row.code}`}
          onRowClick={drill}
          rowActionLabel={(row) => `Filter to ${row.name}`}
          isRowSelected={selected}
          liveScope={analyticsUrl(endpoint, download)}
          maxHeightClass={full ? "" : "max-h-72"}
          footer={
            full ? (
              <tr className="border-t border-slate-300 font-semibold">
                <td className="px-2 py-1.5">Total</td>
                <td className="px-2 py-1.5 text-right tabular-nums">{formatDecimal(total)}</td>
                <td />
                <td className="px-2 py-1.5 text-right tabular-nums">
                  {formatInteger(rows.reduce((sum, row) => sum + row.units, 0))}
                </td>
                <td className="px-2 py-1.5 text-right tabular-nums">
                  {formatInteger(rows.reduce((sum, row) => sum + row.orders, 0))}
                </td>
                <td className="px-2 py-1.5 text-right tabular-nums">
                  {formatDecimal(sumDecimals(rows.map((row) => row.previous_revenue)))}
                </td>
                <td />
              </tr>
            ) : undefined
          }
        />
      </div>
    </Panel>
  );
}
