import type { components } from "../api/schema";

type RegionSales = components["schemas"]["RegionSales"];
type GenreSales = components["schemas"]["GenreSales"];

export type BreakdownDimension = "region" | "genre";

/** A row of sales-by-region or sales-by-genre with its key as `code`. */
export type BreakdownRow = Omit<RegionSales, "region"> & { code: string };

/** Rows of either breakdown, keyed the same way. */
export function breakdownRows(results: readonly (RegionSales | GenreSales)[] | undefined): BreakdownRow[] {
  return (results ?? []).map((row) => {
    const { region, genre, ...rest } = row as RegionSales & GenreSales;
    return { ...rest, code: region ?? genre };
  });
}
