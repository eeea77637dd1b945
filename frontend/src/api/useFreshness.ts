import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type Freshness = components["schemas"]["Freshness"];

export const FRESHNESS_KEY = ["freshness"] as const;
const POLL_MS = 15_000;

/** The generation the API serves, polled every 15 s. With `watch` (the layout, once per
 * page) a change of generation invalidates every other cached answer, so the page redraws
 * with the new data by itself. */
export function useFreshness({ watch = false }: { watch?: boolean } = {}) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: FRESHNESS_KEY,
    queryFn: ({ signal }) => apiFetch<Freshness>("/api/analytics/freshness", { signal }),
    refetchInterval: POLL_MS,
  });
  const generation = query.data?.generation;
  const seen = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (!watch || generation === undefined) return;
    if (seen.current !== undefined && seen.current !== generation) {
      void queryClient.invalidateQueries({ predicate: (cached) => cached.queryKey[0] !== FRESHNESS_KEY[0] });
    }
    seen.current = generation;
  }, [generation, queryClient, watch]);
  return query;
}
