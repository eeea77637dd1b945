import { describe, expect, test } from "vitest";
import { formatBytes } from "./formatBytes";
import { formatCompact } from "./formatCompact";
import {
  formatBucket,
  formatDate,
  formatDateTime,
  formatDateTimeIn,
  formatRangeEnd,
  secondsBetween,
} from "./formatDate";
import { formatDecimal, formatInteger } from "./formatDecimal";
import { formatChange, formatRatio, ratioToPercent } from "./formatRatio";

// vitest.config.ts runs these in en-US and UTC.

describe("formatDecimal", () => {
  test("groups thousands and keeps the cents", () => {
    expect(formatDecimal("1234567.50")).toBe("1,234,567.50");
    expect(formatDecimal("-0.05")).toBe("-0.05");
    expect(formatDecimal("3")).toBe("3.00");
  });

  test("formats the decimal string itself, digits a float would lose included", () => {
    expect(formatDecimal("12345678901234567.89")).toBe("12,345,678,901,234,567.89");
  });

  test("rounds half away from zero to the places asked for", () => {
    expect(formatDecimal("2.5", 0)).toBe("3");
    expect(formatDecimal("1.005", 2)).toBe("1.01");
  });

  test.each([null, undefined, ""])("a missing value (%j) is a dash", (value) => {
    expect(formatDecimal(value)).toBe("—");
  });

  test("whole numbers", () => {
    expect(formatInteger(1234567)).toBe("1,234,567");
    expect(formatInteger(0)).toBe("0");
    expect(formatInteger(null)).toBe("—");
  });
});

describe("formatRatio and formatChange", () => {
  test.each([
    ["0.1234", "12.34 %"],
    ["1.0000", "100.00 %"],
    ["-0.0310", "-3.10 %"],
    ["12.5", "1,250 %"],
    [null, "—"],
  ])("ratio %j reads %s", (value, text) => {
    expect(formatRatio(value)).toBe(text);
  });

  test.each([
    ["0.1234", "+12.34 %"],
    ["-0.0310", "−3.10 %"],
    ["0.0000", "0.00 %"],
    ["", "—"],
  ])("change %j reads %s", (value, text) => {
    expect(formatChange(value)).toBe(text);
  });

  test("percent numbers for bars", () => {
    expect(ratioToPercent("0.1234")).toBe(12.34);
    expect(ratioToPercent("-0.5")).toBe(-50);
    expect(ratioToPercent(null)).toBe(0);
  });
});

describe("formatCompact", () => {
  test.each([
    [950, "950"],
    [1200, "1.2K"],
    [1250000, "1.3M"],
    [3000000000, "3B"],
  ])("%d on an axis reads %s", (value, text) => {
    expect(formatCompact(value)).toBe(text);
  });
});

describe("dates", () => {
  test("an ISO date is that calendar day", () => {
    expect(formatDate("2024-03-05")).toBe("Mar 5, 2024");
    expect(formatDate("2024-12-31")).toBe("Dec 31, 2024");
    expect(formatDate(null)).toBe("—");
  });

  test("a half-open range ends the day before its end", () => {
    expect(formatRangeEnd("2024-04-01")).toBe("Mar 31, 2024");
    expect(formatRangeEnd("2024-03-01")).toBe("Feb 29, 2024");
    expect(formatRangeEnd(undefined)).toBe("—");
  });

  test.each([
    ["2024-04-01", "year", "2024"],
    ["2024-04-01", "quarter", "Q2 2024"],
    ["2024-12-01", "quarter", "Q4 2024"],
    ["2024-04-01", "month", "Apr 2024"],
    ["2024-04-01", "week", "Week of Apr 1, 2024"],
    ["2024-04-01", "day", "Apr 1, 2024"],
  ])("bucket %s by %s reads %s", (iso, granularity, text) => {
    expect(formatBucket(iso, granularity)).toBe(text);
  });

  test("timestamps and durations", () => {
    expect(formatDateTime("2024-03-05T14:30:00Z")).toBe("Mar 5, 2024, 2:30:00 PM");
    expect(formatDateTime(null)).toBe("—");
    expect(secondsBetween("2024-01-01T00:00:00Z", "2024-01-01T00:01:01.5Z")).toBe("61.50 s");
    expect(secondsBetween("2024-01-01T00:00:00Z", null)).toBe("—");
  });
});

describe("formatBytes", () => {
  test("bytes below a kilobyte, then one decimal in kB and MB", () => {
    expect(formatBytes(840)).toBe("840 bytes");
    expect(formatBytes(12_400)).toBe("12.4 kB");
    expect(formatBytes(3_120_000)).toBe("3.1 MB");
    expect(formatBytes(null)).toBe("—");
  });
});

describe("formatDateTimeIn", () => {
  test("reads the clock of the zone given, not the reader's, and names it", () => {
    expect(formatDateTimeIn("2026-12-14T08:00:00Z", "Europe/Paris")).toBe("Dec 14, 2026, 9:00 AM Europe/Paris");
    expect(formatDateTimeIn(null, "UTC")).toBe("—");
  });
});
