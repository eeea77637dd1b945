import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";

/** Ends the session and forgets every cached answer. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiFetch<void>("/api/auth/logout/", { method: "POST" }),
    onSettled: () => queryClient.clear(),
  });
}
