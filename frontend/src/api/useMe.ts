import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type CurrentUser = components["schemas"]["CurrentUser"];

export const ME_KEY = ["auth", "me"] as const;

/** Who is logged in (401 sends the page to the login form, see useUnauthorizedRedirect). */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: ({ signal }) => apiFetch<CurrentUser>("/api/auth/me/", { signal }),
    staleTime: 5 * 60_000,
  });
}
