import { formatChange } from "../lib/formatRatio";

/** A change against the previous period, coloured by its sign; "—" when there is none. */
export function ChangeBadge({ value, testId }: { value: string | null | undefined; testId?: string }) {
  const negative = !!value && value.startsWith("-");
  const positive = !!value && !negative && /[1-9]/.test(value);
  const tone = positive ? "text-emerald-700" : negative ? "text-red-700" : "text-slate-600";
  const arrow = positive ? "▲ " : negative ? "▼ " : "";
  return (
    <span data-testid={testId} data-value={value ?? ""} className={`whitespace-nowrap tabular-nums ${tone}`}>
      {value ? (
        <>
          <span aria-hidden="true">{arrow}</span>
          {formatChange(value)}
        </>
      ) : (
        "—"
      )}
    </span>
  );
}
