import { isoDate } from "./isoDate";

export const PRESETS = [
  { value: "30d", label: "Last 30 days" },
  { value: "90d", label: "Last 90 days" },
  { value: "ytd", label: "Year to date" },
  { value: "12m", label: "Last 12 months" },
  { value: "all", label: "All data" },
  { value: "custom", label: "Custom range" },
] as const;

export type Preset = (typeof PRESETS)[number]["value"];

export interface DateRange {
  start?: string;
  end?: string;
}

export function isPreset(value: string | null): value is Preset {
  return PRESETS.some((preset) => preset.value === value);
}

/** The half-open [start, end) range of a preset, counted back from the LAST DAY WITH DATA
 * (not today), so generated or stale data always shows something. "all" leaves both out,
 * so the API answers over all its data. Without a last day (no data yet) every preset is
 * "all". */
export function presetRange(preset: Preset, lastDay: string | null, custom: DateRange): DateRange {
  if (preset === "custom") return custom;
  if (preset === "all" || !lastDay) return {};
  const end = isoDate.addDays(lastDay, 1);
  switch (preset) {
    case "30d":
      return { start: isoDate.addDays(end, -30), end };
    case "90d":
      return { start: isoDate.addDays(end, -90), end };
    case "ytd":
      return { start: isoDate.startOfYear(lastDay), end };
    case "12m":
      return { start: isoDate.addMonths(end, -12), end };
  }
}
