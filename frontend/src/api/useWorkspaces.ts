import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type WorkspaceChoice = components["schemas"]["MyWorkspace"];

export const WORKSPACES_KEY = ["workspaces"] as const;

/** The workspaces the caller is a member of, with their role in each and which is current. */
export function useWorkspaces() {
  return useQuery({
    queryKey: WORKSPACES_KEY,
    queryFn: ({ signal }) => apiFetch<WorkspaceChoice[]>("/api/workspaces/", { signal }),
    staleTime: 5 * 60_000,
  });
}
