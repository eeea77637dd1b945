import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type AlertTried = components["schemas"]["AlertTried"];

/** Evaluates an alert now (its state unchanged) and emails the result to the caller. */
export function useTestAlert() {
  return useMutation({
    mutationFn: (id: number) => apiFetch<AlertTried>(`/api/alerts/${id}/test/`, { method: "POST" }),
  });
}
