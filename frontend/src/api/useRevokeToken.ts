import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import { TOKENS_KEY } from "./useTokens";

/** Revokes one of the caller's tokens: it stops authenticating at once. */
export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiFetch<void>(`/api/tokens/${id}/`, { method: "DELETE" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}
