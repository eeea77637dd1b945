import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../api/ApiError";
import type { components } from "../api/schema";
import { FRESHNESS_KEY, useFreshness } from "../api/useFreshness";
import { jobFinished, useJob, type Job } from "../api/useJob";
import { useMe } from "../api/useMe";
import { useStartJob } from "../api/useStartJob";
import { DataTable, type Column } from "../components/DataTable";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { formatInteger } from "../lib/formatDecimal";
import { formatDateTime, secondsBetween } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { TitledSection } from "../components/TitledSection";

type Load = components["schemas"]["Load"];

const FRESHNESS_CACHE_MS = 2_500;

const STATUS_TONES: Record<string, string> = {
  published: "bg-emerald-100 text-emerald-900",
  exported: "bg-sky-100 text-sky-900",
  running: "bg-amber-100 text-amber-900",
  failed: "bg-red-100 text-red-900",
  queued: "bg-slate-200 text-slate-900",
  succeeded: "bg-emerald-100 text-emerald-900",
};

function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_TONES[status] ?? "bg-slate-100"}`}>
      {status}
    </span>
  );
}

/** Rows loaded over all tables, from the load's {table: {exported, loaded}} record. */
function rowsLoaded(rows: Load["rows"]): { total: number; detail: string } {
  let total = 0;
  const parts: string[] = [];
  for (const [table, counts] of Object.entries(rows)) {
    const loaded = Number((counts as { loaded?: unknown } | null)?.loaded ?? 0);
    total += Number.isFinite(loaded) ? loaded : 0;
    if (loaded) parts.push(`${table}: ${formatInteger(loaded)}`);
  }
  return { total, detail: parts.join(", ") || "no rows" };
}

function timingText(timings: Load["timings"]): string {
  return Object.entries(timings)
    .filter(([name]) => name !== "total")
    .map(([name, seconds]) => `${name} ${Number(seconds).toFixed(3)} s`)
    .join(", ");
}

/** A job result's value: nested counts ({fact_sales: 100, dim_genre: 0}) as their non-zero entries. */
function resultValue(value: unknown): string {
  if (value === null || typeof value !== "object") return String(value);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, count]) => count !== 0);
  return entries.length ? `(${entries.map(([key, count]) => `${key} ${resultValue(count)}`).join(", ")})` : "(none)";
}

function jobText(job: Job): string {
  const base = `Job ${job.id} (${job.kind}): ${job.status}`;
  if (job.status === "failed") return `${base}. ${job.error || "No error message."}`;
  if (job.status === "succeeded") {
    const result = Object.entries(job.result)
      .map(([name, value]) => `${name} ${resultValue(value)}`)
      .join(", ");
    const text = `${base}${result ? `: ${result}` : ""}`;
    return text.endsWith(".") ? text : `${text}.`;
  }
  return `${base}…`;
}

const inputClass =
  "mt-1 block w-32 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";
const buttonClass =
  "rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60";

/** The warehouse pipeline: current generation, recent loads, and (staff) a sync or test
 * data on demand, followed until the job finishes. */
export function PipelinePage() {
  const freshness = useFreshness();
  const me = useMe();
  // Only the actions the user holds the permission for (`can` in /api/auth/me/).
  const can = me.data?.can;
  const queryClient = useQueryClient();
  const start = useStartJob();
  const [statusUrl, setStatusUrl] = useState<string | null>(null);
  const job = useJob(statusUrl);
  const [books, setBooks] = useState("300");
  const [sales, setSales] = useState("5000");
  const [full, setFull] = useState(false);
  const current = job.data ?? start.data;
  const finished = jobFinished(job.data);

  useEffect(() => {
    // A finished job may have published a generation: ask now rather than at the next poll,
    // and again once the API's freshness answer (cached up to 2 s) has expired.
    if (!finished) return;
    const refresh = () => void queryClient.invalidateQueries({ queryKey: FRESHNESS_KEY });
    refresh();
    const timer = window.setTimeout(refresh, FRESHNESS_CACHE_MS);
    return () => window.clearTimeout(timer);
  }, [finished, queryClient]);

  const run = (kind: "sync" | "generate-test-data") => {
    setStatusUrl(null);
    start.mutate(
      kind === "sync" ? { kind, body: { full } } : { kind, body: { books: Number(books), sales: Number(sales) } },
      { onSuccess: (created) => setStatusUrl(created.status_url) },
    );
  };
  const onGenerate = (event: FormEvent) => {
    event.preventDefault();
    run("generate-test-data");
  };

  const data = freshness.data;
  const loads = data?.loads ?? [];
  const columns: Column<Load>[] = [
    { key: "attempt", header: "Attempt", numeric: true, render: (row) => row.attempt },
    { key: "generation", header: "Generation", numeric: true, render: (row) => row.generation ?? "—" },
    { key: "status", header: "Status", render: (row) => <StatusBadge status={row.status} /> },
    { key: "full", header: "Kind", render: (row) => (row.full_refresh ? "full" : "incremental") },
    { key: "started", header: "Started", render: (row) => formatDateTime(row.started_at) },
    {
      key: "duration",
      header: "Duration",
      numeric: true,
      render: (row) => secondsBetween(row.started_at, row.finished_at),
    },
    {
      key: "rows",
      header: "Rows loaded",
      numeric: true,
      render: (row) => {
        const counted = rowsLoaded(row.rows);
        return <span title={counted.detail}>{formatInteger(counted.total)}</span>;
      },
    },
    {
      key: "timings",
      header: "Timings",
      render: (row) => (
        <span className="text-xs text-slate-600" title={timingText(row.timings)}>
          {row.timings.total !== undefined ? `total ${Number(row.timings.total).toFixed(3)} s` : "—"}
          <span className="block max-w-xs truncate">{timingText(row.timings)}</span>
        </span>
      ),
    },
    {
      key: "error",
      header: "Error",
      render: (row) =>
        row.error ? (
          <span className="block max-w-sm break-words whitespace-normal text-red-700">{row.error}</span>
        ) : (
          "—"
        ),
    },
  ];

  const startError =
    start.error instanceof ApiError ? start.error.detail : start.error ? "The job could not start." : null;
  const pollError = job.error instanceof ApiError ? job.error.detail : null;

  return (
    <div className="flex flex-col gap-4">
      <PageHeader title="Pipeline" description="Warehouse loads: what the API serves and how the last loads went." />
      <TitledSection id="generation-title" title="Current generation">
        <p
          className="mt-1 text-3xl font-semibold tabular-nums"
          data-testid="pipeline-generation"
          data-value={data?.generation ?? ""}
        >
          {data ? (data.generation ?? "none yet") : "…"}
        </p>
        {data ? (
          <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-600">Data as of</dt>
              <dd>{formatDateTime(data.as_of)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Published</dt>
              <dd>{formatDateTime(data.published_at)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Warehouse</dt>
              <dd>{data.backend ?? "—"}</dd>
            </div>
          </dl>
        ) : null}
      </TitledSection>

      {can?.run_sync || can?.generate_data ? (
        <TitledSection id="actions-title" title="Actions">
          <div className="mt-3 flex flex-wrap items-end gap-6">
            {can.run_sync ? (
              <div className="flex items-center gap-3">
                <button
                  type="button"
                  data-testid="sync-now"
                  className={buttonClass}
                  disabled={start.isPending}
                  onClick={() => run("sync")}
                >
                  Sync now
                </button>
                <label className="flex items-center gap-1.5 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    data-testid="sync-full"
                    checked={full}
                    onChange={(event) => setFull(event.target.checked)}
                    className="h-4 w-4 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
                  />
                  Full rebuild
                </label>
              </div>
            ) : null}
            {can.generate_data ? (
              <form className="flex flex-wrap items-end gap-3" onSubmit={onGenerate}>
                <div>
                  <label htmlFor="generate-books" className="block text-xs font-medium text-slate-700">
                    Books
                  </label>
                  <input
                    id="generate-books"
                    data-testid="generate-books"
                    type="number"
                    min={1}
                    max={500000}
                    required
                    className={inputClass}
                    value={books}
                    onChange={(event) => setBooks(event.target.value)}
                  />
                </div>
                <div>
                  <label htmlFor="generate-sales" className="block text-xs font-medium text-slate-700">
                    Sales
                  </label>
                  <input
                    id="generate-sales"
                    data-testid="generate-sales"
                    type="number"
                    min={0}
                    max={10000000}
                    required
                    className={inputClass}
                    value={sales}
                    onChange={(event) => setSales(event.target.value)}
                  />
                </div>
                <button type="submit" data-testid="generate-data" className={buttonClass} disabled={start.isPending}>
                  Generate test data
                </button>
              </form>
            ) : null}
          </div>
          {current || startError ? (
            <p
              data-testid="job-status"
              data-status={startError ? "error" : (current?.status ?? "")}
              role="status"
              className={`mt-3 text-sm ${startError || current?.status === "failed" ? "text-red-700" : "text-slate-800"}`}
            >
              {startError ? `Could not start: ${startError}` : current ? jobText(current) : null}
              {pollError ? ` (status unavailable: ${pollError})` : null}
            </p>
          ) : null}
        </TitledSection>
      ) : null}

      <Panel
        name="pipeline-loads"
        title="Recent loads"
        subtitle="Newest first; hover the rows and timings for the detail per table and step."
        state={panelState(freshness, loads.length === 0)}
        error={freshness.error}
        onRetry={() => void freshness.refetch()}
        emptyMessage="No warehouse load has run yet."
        skeleton="table"
      >
        <DataTable
          caption="Recent warehouse loads"
          columns={columns}
          rows={loads}
          rowKey={(row) => row.attempt}
          rowTestId={(row) => `load-row-${row.attempt}`}
        />
      </Panel>
    </div>
  );
}
