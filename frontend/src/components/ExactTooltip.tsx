import type { ReactNode } from "react";

export interface TooltipSeries {
  key: string;
  label: string;
  color: string;
  format: (exact: string) => string;
}

interface ExactTooltipProps {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
  title: (row: Record<string, unknown>) => ReactNode;
  series: readonly TooltipSeries[];
}

/** A chart tooltip that shows the row's exact API values (decimal strings formatted as
 * they are), not the floats the chart was drawn with. */
export function ExactTooltip({ active, payload, title, series }: ExactTooltipProps) {
  const row = payload?.[0]?.payload as Record<string, unknown> | undefined;
  if (!active || !row) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm shadow-md">
      <p className="mb-1 font-semibold text-slate-900">{title(row)}</p>
      {series.map((item) => (
        <p key={item.key} className="flex items-center gap-2 tabular-nums">
          <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: item.color }} />
          <span className="text-slate-600">{item.label}:</span>
          <span className="font-medium text-slate-900">{item.format(String(row[item.key] ?? ""))}</span>
        </p>
      ))}
    </div>
  );
}
