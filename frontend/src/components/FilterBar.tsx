import type { ChangeEvent, ReactNode } from "react";
import { formatDate, formatRangeEnd } from "../lib/formatDate";
import { PRESETS, isPreset } from "../lib/presetRange";
import { GRANULARITIES } from "../lib/urlFilters";
import type { DashboardFilters } from "../lib/useDashboardFilters";

type SelectFilter = "region" | "genre" | "department" | "fund";

interface FilterBarProps {
  filters: DashboardFilters;
  granularity?: boolean;
  selects?: readonly SelectFilter[];
  children?: ReactNode;
}

const fieldClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";
const labelClass = "block text-xs font-medium text-slate-700";

const SELECT_LABELS: Record<SelectFilter, { label: string; all: string }> = {
  region: { label: "Region", all: "All regions" },
  genre: { label: "Genre", all: "All genres" },
  department: { label: "Department", all: "All departments" },
  fund: { label: "Fund", all: "All funds" },
};

function choices(filters: DashboardFilters, name: SelectFilter): { value: string; label: string }[] {
  const options = filters.options.data?.result;
  if (!options) return [];
  switch (name) {
    case "region":
      return options.regions.map((item) => ({ value: item.code, label: item.name }));
    case "genre":
      return options.genres.map((item) => ({ value: item.slug, label: item.name }));
    case "department":
      return options.departments.map((item) => ({ value: String(item.code), label: `${item.name} (${item.code})` }));
    case "fund":
      return options.funds.map((item) => ({ value: String(item.code), label: `${item.name} (${item.code})` }));
  }
}

/** The period, bucket size and filter selects of a dashboard page; every change goes to
 * the URL. */
export function FilterBar({ filters, granularity = false, selects = [], children }: FilterBarProps) {
  const { preset, range } = filters;
  const onPreset = (event: ChangeEvent<HTMLSelectElement>) => {
    if (isPreset(event.target.value)) filters.setPreset(event.target.value);
  };
  const caption =
    range.start && range.end
      ? `${formatDate(range.start)} – ${formatRangeEnd(range.end)}`
      : range.start
        ? `From ${formatDate(range.start)}`
        : range.end
          ? `Until ${formatRangeEnd(range.end)}`
          : filters.firstDay && filters.lastDay
            ? `All data: ${formatDate(filters.firstDay)} – ${formatDate(filters.lastDay)}`
            : "All data";
  return (
    <form
      className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-3 shadow-sm"
      aria-label="Filters"
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="w-40">
        <label htmlFor="filter-preset" className={labelClass}>
          Period
        </label>
        <select
          id="filter-preset"
          data-testid="filter-preset"
          className={fieldClass}
          value={preset}
          onChange={onPreset}
        >
          {PRESETS.map((item) => (
            <option key={item.value} value={item.value}>
              {item.label}
            </option>
          ))}
        </select>
      </div>
      {preset === "custom" ? (
        <>
          <div className="w-40">
            <label htmlFor="filter-start" className={labelClass}>
              Start (included)
            </label>
            <input
              id="filter-start"
              data-testid="filter-start"
              type="date"
              className={fieldClass}
              value={range.start ?? ""}
              onChange={(event) => filters.update({ preset: "custom", start: event.target.value })}
            />
          </div>
          <div className="w-40">
            <label htmlFor="filter-end" className={labelClass}>
              End (excluded)
            </label>
            <input
              id="filter-end"
              data-testid="filter-end"
              type="date"
              className={fieldClass}
              value={range.end ?? ""}
              onChange={(event) => filters.update({ preset: "custom", end: event.target.value })}
            />
          </div>
        </>
      ) : null}
      {granularity ? (
        <div className="w-32">
          <label htmlFor="filter-granularity" className={labelClass}>
            Granularity
          </label>
          <select
            id="filter-granularity"
            data-testid="filter-granularity"
            className={fieldClass}
            value={filters.granularity}
            onChange={(event) => filters.update({ granularity: event.target.value })}
          >
            {GRANULARITIES.map((item) => (
              <option key={item} value={item}>
                {item[0]?.toUpperCase()}
                {item.slice(1)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {selects.map((name) => {
        const current = filters[name] ?? "";
        const items = choices(filters, name);
        const known = items.some((item) => item.value === current);
        return (
          <div key={name} className="w-48">
            <label htmlFor={`filter-${name}`} className={labelClass}>
              {SELECT_LABELS[name].label}
            </label>
            <select
              id={`filter-${name}`}
              data-testid={`filter-${name}`}
              className={fieldClass}
              value={current}
              onChange={(event) => filters.update({ [name]: event.target.value })}
            >
              <option value="">{SELECT_LABELS[name].all}</option>
              {current && !known ? <option value={current}>{current}</option> : null}
              {items.map((item) => (
                <option key={item.value} value={item.value}>
                  {item.label}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      {children}
      <p className="ml-auto self-center text-sm text-slate-600" aria-live="polite">
        {caption}
      </p>
    </form>
  );
}
