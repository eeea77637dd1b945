import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type SignInOptions = components["schemas"]["SignInOptions"];
export type SignOnProvider = components["schemas"]["SignOnProvider"];

/** How one may sign in here: the password form (when switched on) and the single sign-on providers. */
export function useSignInOptions() {
  return useQuery({
    queryKey: ["auth", "providers"],
    queryFn: ({ signal }) => apiFetch<SignInOptions>("/api/auth/providers/", { signal }),
    staleTime: Infinity,
  });
}
