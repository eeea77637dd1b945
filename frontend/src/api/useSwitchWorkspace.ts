import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";

/** Makes another of the caller's workspaces the session's current one. Every remembered
 * answer belonged to the old workspace, so the whole query cache is dropped, not refreshed:
 * no page may draw one workspace's figures under the other's name, even for a moment. */
export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (slug: string) => apiFetch<unknown>("/api/workspaces/current/", { method: "POST", body: { slug } }),
    onSuccess: () => queryClient.resetQueries(),
  });
}
