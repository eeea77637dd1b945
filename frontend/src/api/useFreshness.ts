import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import { useLiveStatus } from "./liveStatus";
import type { components } from "./schema";

export type Freshness = components["schemas"]["Freshness"];

export const FRESHNESS_KEY = ["freshness"] as const;
/** The fallback poll while no live socket is open (the socket's frames make it needless). */
export const FRESHNESS_POLL_MS = 15_000;

/** The generation the API serves. Polled every 15 s while the live events socket is not
 * open, not at all while it is: its frames refresh this query (see useLiveEvents). `live`
 * overrides the status read from the layout (the layout itself passes its own). */
export function useFreshness({ live }: { live?: boolean } = {}) {
  const contextLive = useLiveStatus() === "live";
  return useQuery({
    queryKey: FRESHNESS_KEY,
    queryFn: ({ signal }) => apiFetch<Freshness>("/api/analytics/freshness", { signal }),
    refetchInterval: (live ?? contextLive) ? false : FRESHNESS_POLL_MS,
  });
}
