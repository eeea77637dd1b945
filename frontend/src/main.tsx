import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./App";
import { ApiError } from "./api/ApiError";
import "./index.css";
import { markNavigationUnready } from "./lib/markNavigationUnready";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Answers change only with a new generation, and the live events (or, while their
      // socket is down, the freshness poll) invalidate those it changed; no refetch on
      // focus or remount is needed.
      staleTime: 5 * 60_000,
      refetchOnWindowFocus: false,
      // A 4xx or a 503 (nothing loaded yet) will not change by retrying at once; the panel
      // shows the API's detail with a Retry button instead.
      retry: (failures, error) =>
        failures < 2 &&
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) &&
        !(error instanceof ApiError && error.status === 503),
    },
  },
});

markNavigationUnready();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      {/* Navigation renders synchronously (no transition): the moment a filter or page
          changes, its panels show loading and body[data-ready] turns "false", so a test or
          a benchmark never reads the previous view as the new one. */}
      <BrowserRouter useTransitions={false}>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
