export type QueryValue = string | number | undefined | null;

/** The URL of an analytics endpoint with its query string (blank values left out, names
 * sorted so the same question is always the same URL); `format` asks for a download. */
export function analyticsUrl(endpoint: string, query: object, format?: "csv" | "xlsx"): string {
  const search = new URLSearchParams();
  const entries = Object.entries(query as Record<string, QueryValue>)
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [name, value] of entries) search.set(name, String(value));
  if (format) search.set("format", format);
  const text = search.toString();
  return `/api/analytics/${endpoint}${text ? `?${text}` : ""}`;
}
