import { isoDate } from "./isoDate";
import { isPreset, type DateRange, type Preset } from "./presetRange";

export const GRANULARITIES = ["day", "week", "month", "quarter", "year"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Filters a click on a chart bar or table row sets; the breadcrumb lists them. */
export const DRILL_FILTERS = ["region", "genre", "department", "fund", "search"] as const;
export type DrillFilter = (typeof DRILL_FILTERS)[number];

export type FilterPatch = Partial<Record<string, string | null>>;

/** The dashboard's filters as a link spells them; anything invalid reads as its default. */
export interface UrlFilters {
  preset: Preset;
  /** The custom range's days, when valid ISO dates. */
  custom: DateRange;
  granularity: Granularity;
  region?: string;
  genre?: string;
  department?: string;
  fund?: string;
  exercice?: string;
  search?: string;
}

function isGranularity(value: string | null): value is Granularity {
  return GRANULARITIES.some((granularity) => granularity === value);
}

function text(value: string | null): string | undefined {
  return value === null || value === "" ? undefined : value;
}

/** Reads the filters from a URL's search parameters. Without a preset, a start or end
 * means a custom range and neither means all the data; the granularity defaults to month. */
export function readUrlFilters(params: URLSearchParams): UrlFilters {
  const rawStart = params.get("start");
  const rawEnd = params.get("end");
  const rawPreset = params.get("preset");
  const rawGranularity = params.get("granularity");
  return {
    preset: isPreset(rawPreset) ? rawPreset : rawStart || rawEnd ? "custom" : "all",
    custom: {
      start: isoDate.isValid(rawStart) ? rawStart : undefined,
      end: isoDate.isValid(rawEnd) ? rawEnd : undefined,
    },
    granularity: isGranularity(rawGranularity) ? rawGranularity : "month",
    region: text(params.get("region")),
    genre: text(params.get("genre")),
    department: text(params.get("department")),
    fund: text(params.get("fund")),
    exercice: text(params.get("exercice")),
    search: text(params.get("search")),
  };
}

/** The search parameters after a patch: a value sets its parameter, null or "" removes it,
 * and any change but paging itself returns to the first page (drops `page`). */
export function patchSearchParams(current: URLSearchParams, patch: FilterPatch): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null || value === undefined || value === "") next.delete(name);
    else next.set(name, value);
  }
  if (!("page" in patch)) next.delete("page");
  return next;
}
