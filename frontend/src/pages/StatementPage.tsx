import { analyticsUrl } from "../api/analyticsUrl";
import type { components } from "../api/schema";
import { useAnalytics } from "../api/useAnalytics";
import { BarBreakdownChart } from "../components/BarBreakdownChart";
import { DataTable, type Column } from "../components/DataTable";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { TimeSeriesChart } from "../components/TimeSeriesChart";
import { chartColors } from "../lib/chartColors";
import { formatDecimal } from "../lib/formatDecimal";
import { formatRatio } from "../lib/formatRatio";
import { panelState } from "../lib/panelState";
import { useDashboardFilters } from "../lib/useDashboardFilters";

type StatementProfit = components["schemas"]["StatementProfit"];
type StatementOperating = components["schemas"]["StatementOperating"];
type StatementPoste = components["schemas"]["StatementPoste"];

const money = (value: string) => formatDecimal(value);
const TYPES: Record<StatementPoste["type_de_resultat"], string> = {
  EXPLOITATION: "Exploitation",
  FINANCIER: "Financier",
  EXCEPTIONNEL: "Exceptionnel",
};

const posteColumns: Column<StatementPoste>[] = [
  { key: "exercice", header: "Exercice", render: (row) => row.exercice },
  { key: "type", header: "Type", render: (row) => TYPES[row.type_de_resultat] },
  { key: "poste", header: "Poste", render: (row) => row.poste },
  { key: "montant", header: "Montant", numeric: true, render: (row) => money(row.montant) },
  { key: "share", header: "Share", numeric: true, render: (row) => formatRatio(row.share) },
];

const fieldClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";

/** The compte de résultat per exercice: result, operating profitability, charges by poste,
 * exceptional charges and financial income. */
export function StatementPage() {
  const filters = useDashboardFilters("ledger");
  const exercices = filters.options.data?.result.exercices ?? [];
  const query = { exercice: filters.exercice };
  const scope = filters.exercice ? `for exercice ${filters.exercice}` : "for any exercice";

  const profit = useAnalytics("statement/profit", query);
  const operating = useAnalytics("statement/operating", query);
  const byPoste = useAnalytics("statement/expenses-by-poste", query);
  const exceptional = useAnalytics("statement/exceptional-charges", query);
  const financial = useAnalytics("statement/financial-income", query);

  const profitRows = profit.data?.results ?? [];
  const operatingRows = operating.data?.results ?? [];
  const posteRows = byPoste.data?.results ?? [];
  const chartExercice = filters.exercice
    ? Number(filters.exercice)
    : Math.max(0, ...posteRows.map((row) => row.exercice));
  const chartPostes = posteRows.filter((row) => row.exercice === chartExercice);

  const profitColumns: Column<StatementProfit>[] = [
    { key: "exercice", header: "Exercice", render: (row) => row.exercice },
    { key: "produits", header: "Produits", numeric: true, render: (row) => money(row.produits) },
    { key: "charges", header: "Charges", numeric: true, render: (row) => money(row.charges) },
    { key: "resultat", header: "Résultat", numeric: true, render: (row) => money(row.resultat) },
    {
      key: "exploitation",
      header: "dont exploitation",
      numeric: true,
      render: (row) => money(row.resultat_exploitation),
    },
    { key: "financier", header: "dont financier", numeric: true, render: (row) => money(row.resultat_financier) },
    {
      key: "exceptionnel",
      header: "dont exceptionnel",
      numeric: true,
      render: (row) => money(row.resultat_exceptionnel),
    },
  ];
  const operatingColumns: Column<StatementOperating>[] = [
    { key: "exercice", header: "Exercice", render: (row) => row.exercice },
    { key: "produits", header: "Produits d'exploitation", numeric: true, render: (row) => money(row.produits) },
    { key: "charges", header: "Charges d'exploitation", numeric: true, render: (row) => money(row.charges) },
    { key: "resultat", header: "Résultat d'exploitation", numeric: true, render: (row) => money(row.resultat) },
    { key: "marge", header: "Marge", numeric: true, render: (row) => formatRatio(row.marge) },
  ];

  const simplePoste = (
    name: string,
    title: string,
    endpoint: "statement/exceptional-charges" | "statement/financial-income",
    result: typeof exceptional,
    subtitle: string,
  ) => {
    const rows = result.data?.results ?? [];
    return (
      <Panel
        name={name}
        title={title}
        subtitle={subtitle}
        state={panelState(result, rows.length === 0)}
        error={result.error}
        onRetry={() => void result.refetch()}
        emptyMessage={`No ${title.toLowerCase()} ${scope}.`}
        download={{ endpoint, query }}
        skeleton="table"
      >
        <DataTable
          caption={title}
          columns={posteColumns}
          rows={rows}
          rowKey={(row) => `${row.exercice}-${row.poste}`}
          liveScope={analyticsUrl(endpoint, query)}
        />
      </Panel>
    );
  };

  return (
    <div className="flex flex-col gap-4">
      <PageHeader title="Statement" description="The compte de résultat of the city, per exercice (fiscal year)." />
      <form
        className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-3 shadow-sm"
        aria-label="Filters"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="w-48">
          <label htmlFor="filter-exercice" className="block text-xs font-medium text-slate-700">
            Exercice
          </label>
          <select
            id="filter-exercice"
            data-testid="filter-exercice"
            className={fieldClass}
            value={filters.exercice ?? ""}
            onChange={(event) => filters.update({ exercice: event.target.value })}
          >
            <option value="">All exercices</option>
            {filters.exercice && !exercices.includes(Number(filters.exercice)) ? (
              <option value={filters.exercice}>{filters.exercice}</option>
            ) : null}
            {exercices.map((year) => (
              <option key={year} value={String(year)}>
                {year}
              </option>
            ))}
          </select>
        </div>
      </form>

      <Panel
        name="statement-profit"
        title="Résultat"
        subtitle="Produits, charges and the result, with its operating, financial and exceptional parts."
        state={panelState(profit, profitRows.length === 0)}
        error={profit.error}
        onRetry={() => void profit.refetch()}
        emptyMessage={`No statement lines ${scope}.`}
        download={{ endpoint: "statement/profit", query }}
      >
        <div className="space-y-3">
          <TimeSeriesChart
            rows={profitRows.map((row) => ({ ...row, bucket: `${row.exercice}-01-01` }))}
            granularity="year"
            height={240}
            summary={profitRows
              .map(
                (row) =>
                  `${row.exercice}: produits ${money(row.produits)}, charges ${money(row.charges)}, résultat ${money(row.resultat)}`,
              )
              .join("; ")}
            series={[
              { key: "produits", label: "Produits", color: chartColors.positive, type: "bar", format: money },
              { key: "charges", label: "Charges", color: chartColors.secondary, type: "bar", format: money },
              { key: "resultat", label: "Résultat", color: chartColors.negative, type: "line", format: money },
            ]}
          />
          <DataTable
            caption="Résultat per exercice"
            columns={profitColumns}
            rows={profitRows}
            rowKey={(row) => row.exercice}
            liveScope={analyticsUrl("statement/profit", query)}
          />
        </div>
      </Panel>

      <div className="grid gap-4 xl:grid-cols-2">
        {simplePoste(
          "statement-exceptional-charges",
          "Exceptional charges",
          "statement/exceptional-charges",
          exceptional,
          "Charges exceptionnelles per exercice.",
        )}
        {simplePoste(
          "statement-financial-income",
          "Financial income",
          "statement/financial-income",
          financial,
          "Produits financiers per exercice.",
        )}
      </div>

      <Panel
        name="statement-operating"
        title="Operating profitability"
        subtitle="Résultat d'exploitation and its margin (résultat / produits)."
        state={panelState(operating, operatingRows.length === 0)}
        error={operating.error}
        onRetry={() => void operating.refetch()}
        emptyMessage={`No operating lines ${scope}.`}
        download={{ endpoint: "statement/operating", query }}
        skeleton="table"
      >
        <DataTable
          caption="Operating profitability per exercice"
          columns={operatingColumns}
          rows={operatingRows}
          rowKey={(row) => row.exercice}
          liveScope={analyticsUrl("statement/operating", query)}
        />
      </Panel>

      <Panel
        name="statement-expenses-by-poste"
        title="Expenses by poste"
        subtitle={`Charges by poste; the chart shows exercice ${chartExercice || "—"}, the table every exercice selected.`}
        state={panelState(byPoste, posteRows.length === 0)}
        error={byPoste.error}
        onRetry={() => void byPoste.refetch()}
        emptyMessage={`No charges ${scope}.`}
        download={{ endpoint: "statement/expenses-by-poste", query }}
        skeleton="table"
      >
        <div className="grid gap-4 xl:grid-cols-2">
          <BarBreakdownChart
            rows={chartPostes}
            label={(row) => row.poste}
            value={{ key: "montant", label: "Montant", color: chartColors.primary, format: money }}
            extra={[{ key: "share", label: "Share", color: chartColors.neutral, format: formatRatio }]}
            summary={`Charges by poste in ${chartExercice}: ${chartPostes.map((row) => `${row.poste} ${money(row.montant)} (${formatRatio(row.share)})`).join("; ")}.`}
          />
          <DataTable
            caption="Charges by poste per exercice"
            columns={posteColumns}
            rows={posteRows}
            rowKey={(row) => `${row.exercice}-${row.poste}`}
            liveScope={analyticsUrl("statement/expenses-by-poste", query)}
            maxHeightClass="max-h-96"
          />
        </div>
      </Panel>
    </div>
  );
}
