/** Calendar arithmetic on ISO dates ("2024-03-31"), in UTC so no time zone shifts a day. */
function parse(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

function format(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export const isoDate = {
  addDays(iso: string, days: number): string {
    const date = parse(iso);
    date.setUTCDate(date.getUTCDate() + days);
    return format(date);
  },
  /** Same day n months later, clamped to the month's last day (31 Mar − 1 month = 28/29 Feb). */
  addMonths(iso: string, months: number): string {
    const date = parse(iso);
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + months);
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, last));
    return format(date);
  },
  startOfYear(iso: string): string {
    return `${iso.slice(0, 4)}-01-01`;
  },
  isValid(iso: string | null | undefined): iso is string {
    // Round-trips, so an impossible day ("2024-02-30") is refused instead of rolling over to March.
    return (
      !!iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(parse(iso).getTime()) && format(parse(iso)) === iso
    );
  },
  parse,
};
