import { describe, expect, test } from "vitest";
import { paramsFromQuery, queryFromParams, subscribeLink } from "./reportPages";

describe("subscribeLink", () => {
  test("names the page and carries its filters, without the Books page's paging", () => {
    expect(subscribeLink("/regions", "?start=2025-01-01&end=2025-04-01&region=US")).toBe(
      "/reports?page=%2Fregions&start=2025-01-01&end=2025-04-01&region=US",
    );
    expect(subscribeLink("/books", "?search=tolkien&page=3")).toBe("/reports?page=%2Fbooks&search=tolkien");
  });
});

describe("report params", () => {
  test("a query's values as strings, a repeated name as a list, empty values dropped", () => {
    expect(paramsFromQuery("region=US&genre=&department=1&department=2")).toEqual({
      region: "US",
      department: ["1", "2"],
    });
  });

  test("and back to the same query", () => {
    expect(queryFromParams({ region: "US", department: ["1", "2"] })).toBe("region=US&department=1&department=2");
  });
});
