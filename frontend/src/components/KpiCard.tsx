import { ChangeBadge } from "./ChangeBadge";

interface KpiCardProps {
  name: "revenue" | "units" | "orders" | "aov";
  label: string;
  /** The exact API value ("127241.63", "7090"), or null. */
  value: string | null;
  display: string;
  change: string | null;
  previousDisplay: string;
  /** A live update just changed the value: highlighted for a moment. */
  moved?: boolean;
}

/** One headline number with its change against the previous period of equal length. */
export function KpiCard({ name, label, value, display, change, previousDisplay, moved = false }: KpiCardProps) {
  return (
    <div data-testid={`kpi-${name}`} className="rounded-lg border border-slate-200 bg-slate-50 p-3">
      <p className="text-sm font-medium text-slate-600">{label}</p>
      <p
        data-testid={`kpi-${name}-value`}
        data-value={value ?? ""}
        data-moved={moved ? "true" : undefined}
        className={`mt-1 truncate rounded text-2xl font-semibold tabular-nums text-slate-900 ${moved ? "live-moved" : ""}`}
        title={display}
      >
        {display}
      </p>
      <p className="mt-1 flex flex-wrap items-baseline gap-x-1 text-sm">
        <ChangeBadge value={change} testId={`kpi-${name}-change`} />
        <span className="text-slate-600">vs {previousDisplay} before</span>
      </p>
    </div>
  );
}
