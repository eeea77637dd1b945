import type { UseQueryResult } from "@tanstack/react-query";
import { ApiError } from "../api/ApiError";
import type { Freshness } from "../api/useFreshness";
import { formatDateTime } from "../lib/formatDate";

/** "Data as of … (generation N)" from the freshness poll, and a warning when the last
 * warehouse load failed (the previous generation keeps serving). */
export function FreshnessBadge({ freshness }: { freshness: UseQueryResult<Freshness> }) {
  const data = freshness.data;
  const failed = data?.last_load_status === "failed";
  return (
    <div className="flex min-w-0 flex-col gap-2">
      <p
        data-testid="freshness"
        data-generation={data?.generation ?? ""}
        className="text-sm text-slate-700"
        aria-live="polite"
      >
        {data ? (
          data.generation === null ? (
            "No data loaded yet: the first warehouse sync publishes generation 1."
          ) : (
            <>
              Data as of <time dateTime={data.as_of ?? undefined}>{formatDateTime(data.as_of)}</time> (generation{" "}
              {data.generation})
            </>
          )
        ) : freshness.isError ? (
          <span className="text-red-700">
            Freshness unknown: {freshness.error instanceof ApiError ? freshness.error.detail : "request failed"}
          </span>
        ) : (
          "Checking data freshness…"
        )}
      </p>
      {failed ? (
        <p
          role="alert"
          data-testid="freshness-warning"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          The last warehouse load failed; showing generation {data?.generation ?? "—"}.{" "}
          <span className="break-words">Error: {data?.last_load_error || "no message"}</span>
        </p>
      ) : null}
    </div>
  );
}
