import { useState, type RefObject } from "react";
import { exportPdf } from "../lib/exportPdf";

/** Downloads the whole page as a PDF; the export libraries load on the first click. */
export function ExportPdfButton({ target }: { target: RefObject<HTMLElement | null> }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const onClick = async () => {
    if (!target.current) return;
    setBusy(true);
    setFailure(null);
    try {
      const page = document.title.replace(" · Folio", "");
      const stamp = new Date().toISOString().slice(0, 10);
      await exportPdf(
        target.current,
        `Folio — ${page} — ${new Date().toLocaleString()}`,
        `folio-${page.toLowerCase().replace(/\W+/g, "-")}-${stamp}`,
      );
    } catch (error) {
      setFailure(error instanceof Error ? error.message : "PDF export failed.");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex items-center gap-2" data-export-ignore="">
      {failure ? (
        <span role="alert" className="text-sm text-red-700">
          {failure}
        </span>
      ) : null}
      <button
        type="button"
        data-testid="export-pdf"
        onClick={onClick}
        disabled={busy}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-60"
      >
        {busy ? "Preparing PDF…" : "Export PDF"}
      </button>
    </div>
  );
}
