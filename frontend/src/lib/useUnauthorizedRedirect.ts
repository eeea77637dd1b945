import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../api/ApiError";

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** Sends the reader to /login?next=<this page> when any API call answers 401. */
export function useUnauthorizedRedirect(): void {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  useEffect(() => {
    const toLogin = () => {
      const next = `${window.location.pathname}${window.location.search}`;
      if (window.location.pathname === "/login") return;
      queryClient.cancelQueries();
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    };
    const stopQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.action.type === "error" && isUnauthorized(event.action.error)) toLogin();
    });
    const stopMutations = queryClient.getMutationCache().subscribe((event) => {
      const mutation = event.mutation;
      if (
        event.type === "updated" &&
        mutation &&
        !mutation.meta?.noAuthRedirect &&
        isUnauthorized(mutation.state.error)
      )
        toLogin();
    });
    return () => {
      stopQueries();
      stopMutations();
    };
  }, [navigate, queryClient]);
}
