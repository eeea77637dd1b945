import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type AlertEvent = components["schemas"]["AlertEvent"];

/** One alert's history (fired, resolved, reminders, errors), newest first; nothing without an alert. */
export function useAlertEvents(id: number | null) {
  return useQuery({
    queryKey: ["alerts", id, "events"],
    queryFn: ({ signal }) => apiFetch<AlertEvent[]>(`/api/alerts/${id}/events/`, { signal }),
    enabled: id !== null,
  });
}
