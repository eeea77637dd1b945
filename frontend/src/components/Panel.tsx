import { useRef, useState, type ReactNode } from "react";
import { ApiError } from "../api/ApiError";
import { analyticsUrl } from "../api/analyticsUrl";
import { exportPng } from "../lib/exportPng";
import { usePanelReadiness, type PanelState } from "../lib/PageReadiness";

export interface PanelExport {
  endpoint: string;
  query: object;
}

interface PanelProps {
  /** The test id is panel-<name>; exports are export-<format>-<name>. */
  name: string;
  title: ReactNode;
  subtitle?: ReactNode;
  state: PanelState;
  error?: unknown;
  onRetry?: () => void;
  emptyMessage?: ReactNode;
  /** Keep showing the content (e.g. KPI cards with zeros) below the empty message. */
  contentWhenEmpty?: boolean;
  /** The table endpoint and parameters behind the panel: CSV and XLSX links. */
  download?: PanelExport;
  skeleton?: "chart" | "table" | "cards";
  actions?: ReactNode;
  /** Shown under the body in every state but loading (e.g. paging buttons). */
  footer?: ReactNode;
  className?: string;
  children?: ReactNode;
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

function Skeleton({ kind }: { kind: "chart" | "table" | "cards" }) {
  if (kind === "cards") {
    return (
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" aria-hidden="true">
        {[0, 1, 2, 3].map((index) => (
          <div key={index} className="h-24 animate-pulse rounded-lg bg-slate-200" />
        ))}
      </div>
    );
  }
  if (kind === "table") {
    return (
      <div className="space-y-2" aria-hidden="true">
        {[0, 1, 2, 3, 4, 5].map((index) => (
          <div key={index} className="h-6 animate-pulse rounded bg-slate-200" />
        ))}
      </div>
    );
  }
  return <div className="h-64 animate-pulse rounded-lg bg-slate-200" aria-hidden="true" />;
}

/** A dashboard card around one chart or table: title, CSV/XLSX/PNG exports, and its
 * loading skeleton, error (with the API's detail and Retry), empty or ready state. */
export function Panel({
  name,
  title,
  subtitle,
  state,
  error,
  onRetry,
  emptyMessage,
  contentWhenEmpty = false,
  download,
  skeleton = "chart",
  actions,
  footer,
  className = "",
  children,
}: PanelProps) {
  usePanelReadiness(name, state);
  const section = useRef<HTMLElement>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const headingId = `panel-${name}-title`;

  const savePng = async () => {
    if (!section.current) return;
    setExporting(true);
    setExportError(null);
    try {
      await exportPng(section.current, `folio-${name}`);
    } catch (failure) {
      setExportError(errorText(failure));
    } finally {
      setExporting(false);
    }
  };

  const linkClass =
    "rounded border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";

  return (
    <section
      ref={section}
      data-testid={`panel-${name}`}
      data-state={state}
      aria-labelledby={headingId}
      aria-busy={state === "loading"}
      className={`min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm ${className}`}
    >
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {subtitle ? <p className="text-sm text-slate-600">{subtitle}</p> : null}
        </div>
        <div className="flex flex-wrap items-center gap-1.5" data-export-ignore="">
          {actions}
          {download ? (
            <>
              <a
                className={linkClass}
                data-testid={`export-csv-${name}`}
                href={analyticsUrl(download.endpoint, download.query, "csv")}
                download
              >
                CSV
              </a>
              <a
                className={linkClass}
                data-testid={`export-xlsx-${name}`}
                href={analyticsUrl(download.endpoint, download.query, "xlsx")}
                download
              >
                XLSX
              </a>
            </>
          ) : null}
          <button
            type="button"
            className={linkClass}
            data-testid={`export-png-${name}`}
            onClick={savePng}
            disabled={exporting || state === "loading"}
            aria-label={`Download ${typeof title === "string" ? title : name} as PNG`}
          >
            {exporting ? "PNG…" : "PNG"}
          </button>
        </div>
      </div>
      {exportError ? (
        <p role="alert" className="mb-2 text-sm text-red-700" data-export-ignore="">
          PNG export failed: {exportError}
        </p>
      ) : null}
      <div className="min-w-0">
        {state === "loading" ? <Skeleton kind={skeleton} /> : null}
        {state === "error" ? (
          <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium">Could not load this panel.</p>
            <p className="mt-1 break-words">{errorText(error)}</p>
            {onRetry ? (
              <button
                type="button"
                onClick={onRetry}
                className="mt-3 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"
              >
                Retry
              </button>
            ) : null}
          </div>
        ) : null}
        {state === "empty" ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-700">
            {emptyMessage ?? "Nothing to show for these filters."}
          </p>
        ) : null}
        {state === "ready" || (state === "empty" && contentWhenEmpty) ? children : null}
      </div>
      {footer && state !== "loading" ? (
        <div className="mt-3" data-export-ignore="">
          {footer}
        </div>
      ) : null}
    </section>
  );
}
