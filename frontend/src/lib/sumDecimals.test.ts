import { describe, expect, test } from "vitest";
import { isZeroDecimal } from "./isZeroDecimal";
import { sumDecimals } from "./sumDecimals";

describe("sumDecimals", () => {
  test.each([
    [["0.10", "0.20"], "0.30"],
    [["12.30", "0.05"], "12.35"],
    [["1.5", "2.25"], "3.75"],
    [["-0.10", "0.05"], "-0.05"],
    [["10", "-10.00"], "0.00"],
    [["+1.00", "2"], "3.00"],
    [["7"], "7"],
    [[], "0"],
  ])("%j sums to %s", (values, total) => {
    expect(sumDecimals(values)).toBe(total);
  });

  test("money beyond a float's 15-16 digits stays exact", () => {
    expect(sumDecimals(["99999999999999999.99", "0.01"])).toBe("100000000000000000.00");
    expect(sumDecimals(Array.from({ length: 1000 }, () => "0.01"))).toBe("10.00");
  });
});

describe("isZeroDecimal", () => {
  test.each([
    ["0", true],
    ["0.00", true],
    ["-0.00", true],
    ["", true],
    [null, true],
    ["0.01", false],
    ["-10", false],
  ])("%j is zero: %s", (value, zero) => {
    expect(isZeroDecimal(value)).toBe(zero);
  });
});
