import { describe, expect, test } from "vitest";
import { isoDate } from "./isoDate";
import { isPreset, presetRange } from "./presetRange";

describe("presetRange", () => {
  // The last day with data, 15 March of a leap year; every range ends the day after it.
  const lastDay = "2024-03-15";

  test.each([
    ["30d", { start: "2024-02-15", end: "2024-03-16" }],
    ["90d", { start: "2023-12-17", end: "2024-03-16" }],
    ["ytd", { start: "2024-01-01", end: "2024-03-16" }],
    ["12m", { start: "2023-03-16", end: "2024-03-16" }],
  ] as const)("%s counts back from the last day with data: %j", (preset, range) => {
    expect(presetRange(preset, lastDay, {})).toEqual(range);
  });

  test("the last N days are exactly N days, the last day included", () => {
    const { start, end } = presetRange("30d", lastDay, {});
    const days = (isoDate.parse(end!).getTime() - isoDate.parse(start!).getTime()) / 86_400_000;
    expect(days).toBe(30);
    expect(isoDate.addDays(end!, -1)).toBe(lastDay);
  });

  test("year to date on the last day of a year is the whole year", () => {
    expect(presetRange("ytd", "2024-12-31", {})).toEqual({ start: "2024-01-01", end: "2025-01-01" });
  });

  test("twelve months back from 29 February is 28 February", () => {
    expect(presetRange("12m", "2024-02-28", {})).toEqual({ start: "2023-02-28", end: "2024-02-29" });
  });

  test("all data, or no data yet, leaves the range open", () => {
    expect(presetRange("all", lastDay, {})).toEqual({});
    expect(presetRange("30d", null, {})).toEqual({});
  });

  test("a custom range is the one given", () => {
    const custom = { start: "2023-01-01", end: "2023-02-01" };
    expect(presetRange("custom", lastDay, custom)).toEqual(custom);
    expect(presetRange("custom", null, custom)).toEqual(custom);
  });

  test("only the listed presets are presets", () => {
    expect(isPreset("ytd")).toBe(true);
    expect(isPreset("7d")).toBe(false);
    expect(isPreset(null)).toBe(false);
  });
});

describe("isoDate", () => {
  test("days cross months and leap days", () => {
    expect(isoDate.addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(isoDate.addDays("2023-02-28", 1)).toBe("2023-03-01");
    expect(isoDate.addDays("2024-01-01", -1)).toBe("2023-12-31");
  });

  test("months clamp to the shorter month's last day", () => {
    expect(isoDate.addMonths("2024-03-31", -1)).toBe("2024-02-29");
    expect(isoDate.addMonths("2023-03-31", -1)).toBe("2023-02-28");
    expect(isoDate.addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(isoDate.addMonths("2024-11-15", 2)).toBe("2025-01-15");
  });

  test.each([
    ["2024-03-05", true],
    ["2024-3-5", false],
    ["05/03/2024", false],
    ["2024-13-01", false],
    ["2024-02-30", false],
    ["2023-02-29", false],
    ["2024-02-29", true],
    ["", false],
    [null, false],
  ])("%j is a valid ISO date: %s", (value, valid) => {
    expect(isoDate.isValid(value)).toBe(valid);
  });
});
