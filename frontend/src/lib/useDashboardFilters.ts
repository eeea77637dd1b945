import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { useFilterOptions } from "../api/useFilterOptions";
import { isoDate } from "./isoDate";
import { presetRange, type Preset } from "./presetRange";
import { patchSearchParams, readUrlFilters, type FilterPatch } from "./urlFilters";

/** Which last day with data the date presets count back from. */
export type FilterDomain = "sales" | "ledger";

/** The dashboard's filters, read from and written to the URL's search parameters, so a
 * link reproduces the view and back/forward walk through it. Date presets resolve against
 * the last day with data from finance/initialise; until that is known `rangeReady` is
 * false and the panels wait. */
export function useDashboardFilters(domain: FilterDomain) {
  const [params, setParams] = useSearchParams();
  const options = useFilterOptions();

  const { preset, custom, granularity, region, genre, department, fund, exercice, search } = readUrlFilters(params);
  const bounds = options.data?.result;
  const lastDay = (domain === "ledger" ? bounds?.ledger_last_date : bounds?.sales_last_date) ?? null;
  const firstDay = (domain === "ledger" ? bounds?.ledger_first_date : bounds?.sales_first_date) ?? null;
  const needsBounds = preset !== "all" && preset !== "custom";
  // If the options cannot be read, ask for all the data: the panels then show the API's own error.
  const rangeReady = !needsBounds || options.isSuccess || options.isError;
  const range = presetRange(preset, lastDay, custom);

  /** Sets (or, with null/"", removes) URL parameters as a new history entry; any change
   * but paging itself returns to the first page. */
  const update = useCallback(
    (patch: FilterPatch, { replace = false }: { replace?: boolean } = {}) => {
      setParams((current) => patchSearchParams(current, patch), { replace });
    },
    [setParams],
  );

  const setPreset = useCallback(
    (value: Preset) => {
      if (value === "custom") {
        const end = range.end ?? (lastDay ? isoDate.addDays(lastDay, 1) : undefined);
        const start = range.start ?? (end ? isoDate.addMonths(end, -1) : undefined);
        update({ preset: "custom", start: start ?? null, end: end ?? null });
      } else {
        update({ preset: value, start: null, end: null });
      }
    },
    [lastDay, range.end, range.start, update],
  );

  const salesQuery = useMemo(
    () => ({ start: range.start, end: range.end, region, genre }),
    [range.start, range.end, region, genre],
  );
  const ledgerQuery = useMemo(
    () => ({ start: range.start, end: range.end, department, fund }),
    [range.start, range.end, department, fund],
  );

  return {
    params,
    options,
    preset,
    range,
    rangeReady,
    firstDay,
    lastDay,
    granularity,
    region,
    genre,
    department,
    fund,
    exercice,
    search,
    salesQuery,
    ledgerQuery,
    update,
    setPreset,
  };
}

export type DashboardFilters = ReturnType<typeof useDashboardFilters>;
