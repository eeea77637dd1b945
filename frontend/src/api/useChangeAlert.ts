import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";
import { ALERTS_KEY, type Alert } from "./useAlerts";

type AlertChange = components["schemas"]["PatchedAlertWriteRequest"];

/** Changes an alert's fields (`active: false` pauses it, `true` resumes). */
export function useChangeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: number; change: AlertChange }) =>
      apiFetch<Alert>(`/api/alerts/${id}/`, { method: "PATCH", body: change }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ALERTS_KEY }),
  });
}
