import type { UseQueryResult } from "@tanstack/react-query";
import { ApiError } from "../api/ApiError";
import type { Freshness } from "../api/useFreshness";
import { formatDateTime } from "../lib/formatDate";
import type { LiveStatus } from "../lib/liveEvents";

const LIVE_TEXT: Record<LiveStatus, { text: string; label: string; dot: string }> = {
  live: {
    text: "Live",
    label: "Live: new data appears as soon as it is published",
    dot: "bg-emerald-500",
  },
  connecting: {
    text: "Connecting…",
    label: "Connecting… to live updates; checking for new data every 15 seconds meanwhile",
    dot: "bg-slate-400",
  },
  polling: {
    text: "Polling",
    label: "Polling: live updates are unavailable; checking for new data every 15 seconds",
    dot: "bg-amber-500",
  },
  "signed-out": {
    text: "Polling",
    label: "Polling: live updates were refused; checking for new data every 15 seconds",
    dot: "bg-amber-500",
  },
};

/** "Live" while the events socket is open, "Polling" while the 15 s poll stands in for it. */
function LiveIndicator({ status }: { status: LiveStatus }) {
  const { text, label, dot } = LIVE_TEXT[status];
  return (
    <span
      data-testid="live-status"
      data-status={status}
      title={label}
      aria-label={label}
      role="status"
      className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-xs font-medium text-slate-700"
    >
      <span aria-hidden="true" className={`inline-block size-2 rounded-full ${dot}`} />
      {text}
    </span>
  );
}

/** "Data as of … (generation N)" with the live updates' status, and a warning when the last
 * warehouse load failed (the previous generation keeps serving). */
export function FreshnessBadge({ freshness, live }: { freshness: UseQueryResult<Freshness>; live: LiveStatus }) {
  const data = freshness.data;
  const failed = data?.last_load_status === "failed";
  return (
    <div className="flex min-w-0 flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <LiveIndicator status={live} />
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
      </div>
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
