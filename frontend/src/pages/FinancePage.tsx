import { analyticsUrl } from "../api/analyticsUrl";
import type { components } from "../api/schema";
import { useAnalytics } from "../api/useAnalytics";
import { BarBreakdownChart } from "../components/BarBreakdownChart";
import { DataTable, type Column } from "../components/DataTable";
import { DrillBreadcrumb } from "../components/DrillBreadcrumb";
import { FilterBar } from "../components/FilterBar";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { TimeSeriesChart } from "../components/TimeSeriesChart";
import { chartColors } from "../lib/chartColors";
import { describeScope } from "../lib/describeScope";
import { formatDecimal } from "../lib/formatDecimal";
import { formatBucket } from "../lib/formatDate";
import { formatRatio, ratioToPercent } from "../lib/formatRatio";
import { isZeroDecimal } from "../lib/isZeroDecimal";
import { panelState } from "../lib/panelState";
import { sumDecimals } from "../lib/sumDecimals";
import { useDashboardFilters } from "../lib/useDashboardFilters";

type TopRoi = components["schemas"]["TopRoi"];
type TopBudget = components["schemas"]["TopBudget"];
type FundRow = components["schemas"]["FundRow"];
type LedgerBucket = components["schemas"]["LedgerBucket"];
type NetProfitBucket = components["schemas"]["NetProfitBucket"];

const ROI_CHART_ROWS = 10;
const money = (value: string) => formatDecimal(value);

function BudgetUsed({ value }: { value: string | null }) {
  const percent = ratioToPercent(value);
  const over = percent > 100;
  return (
    <span className="flex items-center justify-end gap-2">
      <span className="hidden h-2 w-20 overflow-hidden rounded bg-slate-200 sm:inline-block" aria-hidden="true">
        <span
          className={`block h-full ${over ? "bg-red-600" : "bg-blue-600"}`}
          style={{ width: `${Math.min(100, Math.max(0, percent))}%` }}
        />
      </span>
      <span className={over ? "font-semibold text-red-700" : ""}>{formatRatio(value)}</span>
    </span>
  );
}

function revenueExpensesSummary(rows: readonly LedgerBucket[], granularity: string): string {
  if (rows.length === 0) return "No ledger entries.";
  const from = formatBucket(rows[0]?.bucket ?? "", granularity);
  const to = formatBucket(rows[rows.length - 1]?.bucket ?? "", granularity);
  return `Revenue and expenses per ${granularity} from ${from} to ${to}: revenue ${formatDecimal(sumDecimals(rows.map((row) => row.revenue)))}, expenses ${formatDecimal(sumDecimals(rows.map((row) => row.expenses)))}.`;
}

function netProfitSummary(rows: readonly NetProfitBucket[], granularity: string): string {
  if (rows.length === 0) return "No ledger entries.";
  const from = formatBucket(rows[0]?.bucket ?? "", granularity);
  const last = rows[rows.length - 1];
  const to = formatBucket(last?.bucket ?? "", granularity);
  const margin = last?.cumulative_margin == null ? "" : `, margin ${formatRatio(last.cumulative_margin)}`;
  return `Net result per ${granularity} from ${from} to ${to}; running total at the end ${formatDecimal(last?.cumulative_net)}${margin}.`;
}

/** The city ledger: departments by ROI and by spending (cost centres of one department),
 * revenue against expenses, the net result over time, and the funds. */
export function FinancePage() {
  const filters = useDashboardFilters("ledger");
  const enabled = filters.rangeReady;
  const ledger = filters.ledgerQuery;
  const oneDepartment = filters.department !== undefined && !filters.department.includes(",");
  const roiQuery = { ...ledger, limit: 100 };
  const budgetQuery = { ...ledger, limit: oneDepartment ? 100 : 10 };
  const seriesQuery = { ...ledger, granularity: filters.granularity };

  const roi = useAnalytics("finance/top-roi", roiQuery, { enabled });
  const budget = useAnalytics("finance/top-budget", budgetQuery, { enabled });
  const revenueExpenses = useAnalytics("finance/revenue-expenses", seriesQuery, { enabled });
  const netProfit = useAnalytics("finance/net-profit", seriesQuery, { enabled });
  const funds = useAnalytics("finance/fund-table", ledger, { enabled });

  const roiRows = roi.data?.results ?? [];
  const budgetRows = budget.data?.results ?? [];
  const revenueRows = revenueExpenses.data?.results ?? [];
  const netRows = netProfit.data?.results ?? [];
  const fundRows = funds.data?.results ?? [];
  const seriesEmpty = (rows: readonly LedgerBucket[]) =>
    rows.every((row) => isZeroDecimal(row.revenue) && isZeroDecimal(row.expenses));
  const noEntries = (params: Record<string, unknown> | undefined) =>
    `No ledger entries ${describeScope(params, filters)}.`;
  const drillDepartment = (code: number) => filters.update({ department: String(code) });
  const departmentName =
    filters.options.data?.result.departments.find((item) => String(item.code) === filters.department)?.name ??
    filters.department;

  const roiColumns: Column<TopRoi>[] = [
    { key: "name", header: "Department", render: (row) => row.name },
    { key: "revenue", header: "Revenue", numeric: true, render: (row) => money(row.revenue) },
    { key: "expenses", header: "Expenses", numeric: true, render: (row) => money(row.expenses) },
    { key: "net", header: "Net", numeric: true, render: (row) => money(row.net) },
    { key: "roi", header: "ROI", numeric: true, render: (row) => formatRatio(row.roi) },
  ];
  const budgetColumns: Column<TopBudget>[] = [
    { key: "name", header: oneDepartment ? "Cost centre" : "Department", render: (row) => row.name },
    { key: "expenses", header: "Expenses", numeric: true, render: (row) => money(row.expenses) },
    { key: "budget", header: "Budget", numeric: true, render: (row) => formatDecimal(row.budget) },
    { key: "used", header: "Budget used", numeric: true, render: (row) => <BudgetUsed value={row.budget_used} /> },
  ];
  const fundColumns: Column<FundRow>[] = [
    { key: "name", header: "Fund", render: (row) => `${row.name} (${row.fund})` },
    { key: "revenue", header: "Revenue", numeric: true, render: (row) => money(row.revenue) },
    { key: "expenses", header: "Expenses", numeric: true, render: (row) => money(row.expenses) },
    { key: "net", header: "Net", numeric: true, render: (row) => money(row.net) },
    { key: "ratio", header: "Revenue / expenses", numeric: true, render: (row) => formatRatio(row.ratio) },
  ];
  const fundTotal = (key: "revenue" | "expenses" | "net") =>
    formatDecimal(sumDecimals(fundRows.map((row) => row[key])));
  const roiRanked = roiRows.filter((row) => row.roi !== null).slice(0, ROI_CHART_ROWS);

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Finance"
        description="The city ledger. Sign rules: a negative revenue counts as an expense and a negative expense as revenue."
      />
      <FilterBar filters={filters} granularity selects={["department", "fund"]} />
      <DrillBreadcrumb filters={filters} names={["department", "fund"]} />

      <div className="grid gap-4 xl:grid-cols-2">
        <Panel
          name="top-roi"
          title="Top ROI"
          subtitle="ROI = (revenue − expenses) / expenses. Click a department to filter to it."
          state={panelState(roi, roiRows.length === 0)}
          error={roi.error}
          onRetry={() => void roi.refetch()}
          emptyMessage={noEntries(roi.data?.params)}
          download={{ endpoint: "finance/top-roi", query: roiQuery }}
          skeleton="table"
        >
          <div className="space-y-3">
            {roiRanked.length > 0 ? (
              <BarBreakdownChart
                rows={roiRanked}
                label={(row) => row.name}
                value={{ key: "roi", label: "ROI", color: chartColors.positive, format: formatRatio }}
                extra={[
                  { key: "net", label: "Net", color: chartColors.primary, format: money },
                  { key: "expenses", label: "Expenses", color: chartColors.secondary, format: money },
                ]}
                summary={`Departments by ROI; highest ${roiRanked[0]?.name} at ${formatRatio(roiRanked[0]?.roi)}.`}
                onSelect={(row) => drillDepartment(row.department)}
                isSelected={(row) => String(row.department) === filters.department}
                axisFormat={(value) => `${Math.round(value * 100)} %`}
              />
            ) : null}
            <DataTable
              caption="Departments by return on investment"
              columns={roiColumns}
              rows={roiRows}
              rowKey={(row) => row.department}
              liveScope={analyticsUrl("finance/top-roi", roiQuery)}
              rowTestId={(row) => `row-department-${row.department}`}
              onRowClick={(row) => drillDepartment(row.department)}
              rowActionLabel={(row) => `Filter to ${row.name}`}
              isRowSelected={(row) => String(row.department) === filters.department}
              maxHeightClass="max-h-80"
            />
          </div>
        </Panel>

        <Panel
          name="top-budget"
          title={oneDepartment ? `Cost centres of ${departmentName}` : "Top budget departments"}
          subtitle={
            oneDepartment
              ? "Spending per cost centre of the selected department."
              : "Largest spenders with their budget for the fiscal years the period touches. Click one to see its cost centres."
          }
          state={panelState(budget, budgetRows.length === 0)}
          error={budget.error}
          onRetry={() => void budget.refetch()}
          emptyMessage={noEntries(budget.data?.params)}
          download={{ endpoint: "finance/top-budget", query: budgetQuery }}
          skeleton="table"
        >
          <DataTable
            caption={oneDepartment ? "Cost centres by expenses" : "Departments by expenses and budget used"}
            columns={budgetColumns}
            rows={budgetRows}
            rowKey={(row) => `${row.level}-${row.code}`}
            liveScope={analyticsUrl("finance/top-budget", budgetQuery)}
            rowTestId={(row) => (row.level === "department" ? `row-budget-${row.code}` : `row-costcenter-${row.code}`)}
            onRowClick={oneDepartment ? undefined : (row) => drillDepartment(row.code)}
            rowActionLabel={(row) => `Show the cost centres of ${row.name}`}
          />
        </Panel>
      </div>

      <div className="grid gap-4 xl:grid-cols-2">
        <Panel
          name="revenue-expenses"
          title="Revenue vs expenses"
          subtitle={`Per ${filters.granularity}`}
          state={panelState(revenueExpenses, seriesEmpty(revenueRows))}
          error={revenueExpenses.error}
          onRetry={() => void revenueExpenses.refetch()}
          emptyMessage={noEntries(revenueExpenses.data?.params)}
          download={{ endpoint: "finance/revenue-expenses", query: seriesQuery }}
        >
          <TimeSeriesChart
            rows={revenueRows}
            granularity={filters.granularity}
            summary={revenueExpensesSummary(revenueRows, filters.granularity)}
            series={[
              { key: "revenue", label: "Revenue", color: chartColors.positive, type: "bar", format: money },
              { key: "expenses", label: "Expenses", color: chartColors.secondary, type: "bar", format: money },
            ]}
          />
        </Panel>
        <Panel
          name="net-profit"
          title="Net profit"
          subtitle={`Net result per ${filters.granularity} and its running total`}
          state={panelState(netProfit, seriesEmpty(netRows))}
          error={netProfit.error}
          onRetry={() => void netProfit.refetch()}
          emptyMessage={noEntries(netProfit.data?.params)}
          download={{ endpoint: "finance/net-profit", query: seriesQuery }}
        >
          <TimeSeriesChart
            rows={netRows}
            granularity={filters.granularity}
            summary={netProfitSummary(netRows, filters.granularity)}
            series={[
              { key: "net", label: "Net", color: chartColors.primary, type: "bar", format: money },
              {
                key: "cumulative_net",
                label: "Running total",
                color: chartColors.negative,
                type: "line",
                format: money,
              },
            ]}
          />
        </Panel>
      </div>

      <Panel
        name="fund-table"
        title="Funds"
        subtitle="Revenue, expenses and net per fund. Click a fund to filter to it."
        state={panelState(funds, fundRows.length === 0)}
        error={funds.error}
        onRetry={() => void funds.refetch()}
        emptyMessage={noEntries(funds.data?.params)}
        download={{ endpoint: "finance/fund-table", query: ledger }}
        skeleton="table"
      >
        <DataTable
          caption="Revenue, expenses, net and ratio per fund"
          columns={fundColumns}
          rows={fundRows}
          rowKey={(row) => row.fund}
          liveScope={analyticsUrl("finance/fund-table", ledger)}
          rowTestId={(row) => `row-fund-${row.fund}`}
          onRowClick={(row) => filters.update({ fund: String(row.fund) })}
          rowActionLabel={(row) => `Filter to ${row.name}`}
          isRowSelected={(row) => String(row.fund) === filters.fund}
          footer={
            <tr className="border-t border-slate-300 font-semibold">
              <td className="px-2 py-1.5">Total</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{fundTotal("revenue")}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{fundTotal("expenses")}</td>
              <td className="px-2 py-1.5 text-right tabular-nums">{fundTotal("net")}</td>
              <td />
            </tr>
          }
        />
      </Panel>
    </div>
  );
}
