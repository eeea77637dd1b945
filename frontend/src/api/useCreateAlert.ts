import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import { ALERTS_KEY, type Alert, type AlertWrite } from "./useAlerts";

/** Creates an alert; a bad field comes back as an ApiError naming it. */
export function useCreateAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: AlertWrite) => apiFetch<Alert>("/api/alerts/", { method: "POST", body: request }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ALERTS_KEY }),
  });
}
