import type { DrillFilter } from "../lib/urlFilters";
import type { DashboardFilters } from "../lib/useDashboardFilters";

const NOUNS: Record<DrillFilter, string> = {
  region: "Region",
  genre: "Genre",
  department: "Department",
  fund: "Fund",
  search: "Book",
};

function labelOf(filters: DashboardFilters, name: DrillFilter, value: string): string {
  const options = filters.options.data?.result;
  switch (name) {
    case "region":
      return options?.regions.find((item) => item.code === value)?.name ?? value;
    case "genre":
      return options?.genres.find((item) => item.slug === value)?.name ?? value;
    case "department":
      return options?.departments.find((item) => String(item.code) === value)?.name ?? value;
    case "fund":
      return options?.funds.find((item) => String(item.code) === value)?.name ?? value;
    case "search":
      return `“${value}”`;
  }
}

/** The drill-down filters in force, each removable, and "clear all". */
export function DrillBreadcrumb({ filters, names }: { filters: DashboardFilters; names: readonly DrillFilter[] }) {
  const active = names.filter((name) => filters[name]);
  return (
    <nav aria-label="Drill-down filters" data-testid="breadcrumb" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="font-medium text-slate-700">Showing:</span>
      {active.length === 0 ? <span className="text-slate-600">everything</span> : null}
      <ol className="flex flex-wrap items-center gap-2">
        {active.map((name) => (
          <li
            key={name}
            data-testid={`breadcrumb-${name}`}
            className="flex items-center gap-1 rounded-full border border-blue-200 bg-blue-50 py-0.5 pr-1 pl-3 text-blue-900"
          >
            <span>
              {NOUNS[name]}: <strong>{labelOf(filters, name, filters[name] ?? "")}</strong>
            </span>
            <button
              type="button"
              data-testid={`breadcrumb-remove-${name}`}
              onClick={() => filters.update({ [name]: null })}
              className="rounded-full px-1.5 leading-5 text-blue-900 hover:bg-blue-100 focus-visible:outline-2 focus-visible:outline-blue-600"
              aria-label={`Remove the ${NOUNS[name].toLowerCase()} filter`}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      {active.length > 0 ? (
        <button
          type="button"
          data-testid="breadcrumb-clear"
          onClick={() => filters.update(Object.fromEntries(active.map((name) => [name, null])))}
          className="rounded-md px-2 py-0.5 font-medium text-blue-700 underline underline-offset-2 hover:text-blue-900 focus-visible:outline-2 focus-visible:outline-blue-600"
        >
          Clear all
        </button>
      ) : null}
    </nav>
  );
}
