import type { PanelState } from "./PageReadiness";

interface QueryLike {
  isPending: boolean;
  isError: boolean;
}

/** A panel's state from its query: loading until the answer for the current parameters
 * is there (no stale data is shown as ready), then error, empty or ready. */
export function panelState(query: QueryLike, isEmpty: boolean): PanelState {
  if (query.isPending) return "loading";
  if (query.isError) return "error";
  return isEmpty ? "empty" : "ready";
}
