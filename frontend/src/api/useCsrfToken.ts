import { useQuery } from "@tanstack/react-query";
import { csrfToken } from "./csrfToken";

/** The CSRF token, for a plain HTML form that posts to Django (no fetch to add the header). */
export function useCsrfToken() {
  return useQuery({ queryKey: ["auth", "csrf"], queryFn: csrfToken, staleTime: 0 });
}
