/** The dashboard pages a subscription can deliver (the API's `page` choices), by path. */
export const REPORT_PAGES = [
  { path: "/", label: "Overview" },
  { path: "/books", label: "Top books" },
  { path: "/regions", label: "Regions" },
  { path: "/genres", label: "Genres" },
  { path: "/finance", label: "Finance" },
  { path: "/statement", label: "Statement" },
] as const;

export type ReportPage = (typeof REPORT_PAGES)[number]["path"];

/** A subscription's filters: a URL query's values, repeated names as lists. */
export type ReportParams = Record<string, string | string[]>;

export function isReportPage(path: string): path is ReportPage {
  return REPORT_PAGES.some((page) => page.path === path);
}

/** The page's name, or its path when it is not one of the report pages. */
export function reportPageLabel(path: string): string {
  return REPORT_PAGES.find((page) => page.path === path)?.label ?? path;
}

/** A query string's parameters as a subscription stores them: empty values dropped, a
 * repeated name as the list of its values. */
export function paramsFromQuery(query: URLSearchParams | string): ReportParams {
  const search = typeof query === "string" ? new URLSearchParams(query.trim()) : query;
  const params: ReportParams = {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name).filter((value) => value !== "");
    if (values.length) params[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return params;
}

/** A subscription's filters back as a query string (`region=US&start=2025-01-01`). */
export function queryFromParams(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  return search.toString();
}

/** The Reports page's link that prefills a subscription to a dashboard page with its
 * current filters; `page` there names the target, so the Books page's paging (also
 * `page`) is left out: a report starts on the first page. */
export function subscribeLink(path: ReportPage, search: string): string {
  const filters = new URLSearchParams(search);
  filters.delete("page");
  const link = new URLSearchParams({ page: path });
  for (const [name, value] of filters) link.append(name, value);
  return `/reports?${link.toString()}`;
}
