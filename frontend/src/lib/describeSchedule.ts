/** The schedule fields of a subscription, as the API reads and writes them. */
export interface Schedule {
  schedule: "daily" | "weekly" | "monthly" | "after_load";
  time: string;
  timezone: string;
  weekday?: number | null;
  day_of_month?: number | null;
}

/** Monday first, as the API numbers weekdays (0 = Monday … 6 = Sunday). */
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** "Weekly on Monday at 09:00 Europe/Paris", "Monthly on day 31 (or the month's last day) at
 * 18:30 UTC", "After each load": a subscription's schedule as its owner would say it. The
 * time is the zone's wall-clock time (the API may add seconds, which nobody schedules). */
export function describeSchedule({ schedule, time, timezone, weekday, day_of_month }: Schedule): string {
  const at = `at ${time.slice(0, 5)} ${timezone}`;
  switch (schedule) {
    case "after_load":
      return "After each load";
    case "daily":
      return `Daily ${at}`;
    case "weekly":
      return `Weekly on ${WEEKDAYS[weekday ?? 0] ?? `day ${weekday}`} ${at}`;
    case "monthly": {
      const day = day_of_month ?? 1;
      // A short month delivers on its last day: said here so that "day 31" surprises nobody.
      return `Monthly on day ${day}${day > 28 ? " (or the month's last day)" : ""} ${at}`;
    }
  }
}
