import { formatDate, formatRangeEnd } from "./formatDate";
import type { DashboardFilters } from "./useDashboardFilters";

function text(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** "between 1 Jan 2024 and 31 Jan 2024 in Germany, genre Romance": the period an answer
 * covers (from the API's normalized params, end excluded) and the filters in force, for
 * empty states that say why they are empty. */
export function describeScope(params: Record<string, unknown> | undefined, filters: DashboardFilters): string {
  const start = text(params?.start);
  const end = text(params?.end);
  const parts = [start && end ? `between ${formatDate(start)} and ${formatRangeEnd(end)}` : "in the data"];
  const options = filters.options.data?.result;
  if (filters.region)
    parts.push(`in ${options?.regions.find((item) => item.code === filters.region)?.name ?? filters.region}`);
  if (filters.genre)
    parts.push(`for genre ${options?.genres.find((item) => item.slug === filters.genre)?.name ?? filters.genre}`);
  if (filters.department) {
    const name = options?.departments.find((item) => String(item.code) === filters.department)?.name;
    parts.push(`for department ${name ?? filters.department}`);
  }
  if (filters.fund) {
    const name = options?.funds.find((item) => String(item.code) === filters.fund)?.name;
    parts.push(`for fund ${name ?? filters.fund}`);
  }
  return parts.join(" ");
}
