const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** Short axis labels ("1.2M"); axes only, every exact value is in the tooltips and tables. */
export function formatCompact(value: number): string {
  return compact.format(value);
}
