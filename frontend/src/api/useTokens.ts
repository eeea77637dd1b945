import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type ApiToken = components["schemas"]["ApiToken"];

export const TOKENS_KEY = ["tokens"] as const;

/** The caller's personal API tokens, newest first, revoked and expired ones included. */
export function useTokens() {
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: ({ signal }) => apiFetch<ApiToken[]>("/api/tokens/", { signal }),
  });
}
