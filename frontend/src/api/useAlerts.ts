import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type Alert = components["schemas"]["Alert"];
export type AlertWrite = components["schemas"]["AlertWriteRequest"];

export const ALERTS_KEY = ["alerts"] as const;

/** The caller's own alerts in the current workspace, by name, with state and last value. */
export function useAlerts() {
  return useQuery({
    queryKey: ALERTS_KEY,
    queryFn: ({ signal }) => apiFetch<Alert[]>("/api/alerts/", { signal }),
  });
}
