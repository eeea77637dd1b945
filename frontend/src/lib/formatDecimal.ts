const formatters = new Map<number, Intl.NumberFormat>();

function formatter(fractionDigits: number): Intl.NumberFormat {
  let found = formatters.get(fractionDigits);
  if (!found) {
    found = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    formatters.set(fractionDigits, found);
  }
  return found;
}

/** Formats an exact decimal string ("1234567.50") for display with grouping. The string
 * goes to Intl.NumberFormat as is (exact decimal formatting), never through a float. */
export function formatDecimal(value: string | null | undefined, fractionDigits = 2): string {
  if (value === null || value === undefined || value === "") return "—";
  return formatter(fractionDigits).format(value as Intl.StringNumericLiteral);
}

/** A whole number with grouping (units, orders, rows). */
export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return formatter(0).format(value);
}
