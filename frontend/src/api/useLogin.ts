import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";
import { ME_KEY, type CurrentUser } from "./useMe";

type LoginRequest = components["schemas"]["LoginRequest"];

/** Logs in with a session (CSRF header included) and remembers who is now logged in. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: LoginRequest) =>
      apiFetch<CurrentUser>("/api/auth/login/", { method: "POST", body: credentials }),
    onSuccess: (user) => {
      queryClient.removeQueries();
      queryClient.setQueryData(ME_KEY, user);
    },
    meta: { noAuthRedirect: true },
  });
}
