import { describe, expect, test } from "vitest";
import { describeSchedule } from "./describeSchedule";

describe("describeSchedule", () => {
  test("names the weekday, the wall-clock time and the zone of a weekly schedule", () => {
    expect(
      describeSchedule({ schedule: "weekly", time: "09:00", timezone: "Europe/Paris", weekday: 0, day_of_month: null }),
    ).toBe("Weekly on Monday at 09:00 Europe/Paris");
    expect(describeSchedule({ schedule: "weekly", time: "17:45:00", timezone: "UTC", weekday: 6 })).toBe(
      "Weekly on Sunday at 17:45 UTC",
    );
  });

  test("says daily, and which day of the month, warning that day 29–31 falls back in short months", () => {
    expect(describeSchedule({ schedule: "daily", time: "07:30", timezone: "America/New_York" })).toBe(
      "Daily at 07:30 America/New_York",
    );
    expect(describeSchedule({ schedule: "monthly", time: "08:00", timezone: "UTC", day_of_month: 1 })).toBe(
      "Monthly on day 1 at 08:00 UTC",
    );
    expect(describeSchedule({ schedule: "monthly", time: "08:00", timezone: "UTC", day_of_month: 31 })).toBe(
      "Monthly on day 31 (or the month's last day) at 08:00 UTC",
    );
  });

  test("an after-load subscription has no time", () => {
    expect(describeSchedule({ schedule: "after_load", time: "09:00", timezone: "Europe/Paris" })).toBe(
      "After each load",
    );
  });
});
