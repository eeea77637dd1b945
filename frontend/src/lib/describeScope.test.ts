import { describe, expect, test } from "vitest";
import { breakdownRows } from "./breakdownRows";
import { describeScope } from "./describeScope";
import type { DashboardFilters } from "./useDashboardFilters";

function filters(chosen: Partial<DashboardFilters>): DashboardFilters {
  const result = {
    regions: [{ code: "DE", name: "Germany" }],
    genres: [{ slug: "romance", name: "Romance" }],
    departments: [{ code: 12, name: "Health" }],
    funds: [{ code: 3, name: "General Fund" }],
  };
  return { options: { data: { result } }, ...chosen } as unknown as DashboardFilters;
}

describe("describeScope", () => {
  test("names the period (end excluded) and the filters by their names", () => {
    const params = { start: "2024-01-01", end: "2024-02-01" };
    expect(describeScope(params, filters({ region: "DE", genre: "romance" }))).toBe(
      "between Jan 1, 2024 and Jan 31, 2024 in Germany for genre Romance",
    );
    expect(describeScope(params, filters({ department: "12", fund: "3" }))).toBe(
      "between Jan 1, 2024 and Jan 31, 2024 for department Health for fund General Fund",
    );
  });

  test("without a period it is the whole data; an unknown code is shown as is", () => {
    expect(describeScope(undefined, filters({ region: "XX" }))).toBe("in the data in XX");
  });
});

describe("breakdownRows", () => {
  test("region and genre rows are keyed by code", () => {
    const rows = breakdownRows([
      { region: "DE", revenue: "10.00" },
      { genre: "romance", revenue: "5.00" },
    ] as unknown as Parameters<typeof breakdownRows>[0]);
    expect(rows).toEqual([
      { code: "DE", revenue: "10.00" },
      { code: "romance", revenue: "5.00" },
    ]);
    expect(breakdownRows(undefined)).toEqual([]);
  });
});
