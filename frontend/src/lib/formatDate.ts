import { isoDate } from "./isoDate";

const day = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const month = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** An ISO date as "5 Mar 2024" (the date itself, whatever the time zone). */
export function formatDate(iso: string | null | undefined): string {
  return iso ? day.format(isoDate.parse(iso)) : "—";
}

/** A timestamp in the reader's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

/** A timestamp as the clock reads it in a given time zone, to the minute, with the zone's
 * name: "Dec 14, 2026, 9:00 AM Europe/Paris" (a report's next run, in its own zone). */
export function formatDateTimeIn(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  const text = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(iso),
  );
  return `${text} ${timeZone}`;
}

/** The last day of a half-open range [start, end): end − 1 day, formatted. */
export function formatRangeEnd(end: string | null | undefined): string {
  return end ? formatDate(isoDate.addDays(end, -1)) : "—";
}

/** A time-series bucket (named by its first day) as its granularity reads. */
export function formatBucket(iso: string, granularity: string): string {
  const date = isoDate.parse(iso);
  switch (granularity) {
    case "year":
      return iso.slice(0, 4);
    case "quarter":
      return `Q${Math.floor(date.getUTCMonth() / 3) + 1} ${iso.slice(0, 4)}`;
    case "month":
      return month.format(date);
    case "week":
      return `Week of ${day.format(date)}`;
    default:
      return day.format(date);
  }
}

/** Seconds between two timestamps, for load durations. */
export function secondsBetween(start: string, end: string | null): string {
  if (!end) return "—";
  return `${((new Date(end).getTime() - new Date(start).getTime()) / 1000).toFixed(2)} s`;
}
