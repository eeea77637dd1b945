import { describe, expect, test } from "vitest";
import { bookDrillUrl } from "./bookDrillUrl";
import { safeNext } from "./safeNext";
import { patchSearchParams, readUrlFilters } from "./urlFilters";

describe("readUrlFilters", () => {
  test("a bare link is all the data by month", () => {
    expect(readUrlFilters(new URLSearchParams())).toEqual({
      preset: "all",
      custom: { start: undefined, end: undefined },
      granularity: "month",
      region: undefined,
      genre: undefined,
      department: undefined,
      fund: undefined,
      exercice: undefined,
      search: undefined,
    });
  });

  test("reads every filter a link carries", () => {
    const filters = readUrlFilters(
      new URLSearchParams("preset=90d&granularity=week&region=DE&genre=romance&department=12&fund=3&exercice=2023"),
    );
    expect(filters).toMatchObject({
      preset: "90d",
      granularity: "week",
      region: "DE",
      genre: "romance",
      department: "12",
      fund: "3",
      exercice: "2023",
    });
  });

  test("dates without a preset are a custom range; invalid ones are dropped", () => {
    expect(readUrlFilters(new URLSearchParams("start=2024-01-01&end=2024-02-01"))).toMatchObject({
      preset: "custom",
      custom: { start: "2024-01-01", end: "2024-02-01" },
    });
    expect(readUrlFilters(new URLSearchParams("start=yesterday&end=2024-02-01")).custom).toEqual({
      start: undefined,
      end: "2024-02-01",
    });
  });

  test("unknown values fall back to the defaults, empty ones to no filter", () => {
    expect(readUrlFilters(new URLSearchParams("preset=7d&granularity=hour&region="))).toMatchObject({
      preset: "all",
      granularity: "month",
      region: undefined,
    });
  });
});

describe("patchSearchParams", () => {
  test("sets, replaces and removes parameters, keeping the others", () => {
    const next = patchSearchParams(new URLSearchParams("region=DE&sort=units&genre=crime"), {
      region: "FR",
      genre: null,
      search: "",
      preset: "ytd",
    });
    expect(Object.fromEntries(next)).toEqual({ region: "FR", sort: "units", preset: "ytd" });
  });

  test("a filter change returns to the first page; paging keeps its page", () => {
    expect(patchSearchParams(new URLSearchParams("page=3&region=DE"), { region: "FR" }).get("page")).toBeNull();
    expect(patchSearchParams(new URLSearchParams("page=3&region=DE"), { page: "4" }).toString()).toBe(
      "page=4&region=DE",
    );
  });

  test("does not change the parameters it is given", () => {
    const current = new URLSearchParams("region=DE");
    patchSearchParams(current, { region: "FR" });
    expect(current.toString()).toBe("region=DE");
  });

  test("filters written to a link read back the same", () => {
    const written = patchSearchParams(new URLSearchParams(), {
      preset: "custom",
      start: "2024-01-01",
      end: "2024-04-01",
      granularity: "quarter",
      region: "DE",
      genre: "science-fiction",
      search: "Love & War",
    });
    const link = `/books?${written.toString()}`;
    const read = readUrlFilters(new URL(link, "http://folio.test").searchParams);
    expect(read).toMatchObject({
      preset: "custom",
      custom: { start: "2024-01-01", end: "2024-04-01" },
      granularity: "quarter",
      region: "DE",
      genre: "science-fiction",
      search: "Love & War",
    });
  });
});

describe("bookDrillUrl", () => {
  test("keeps the period and sales filters and searches the title", () => {
    const current = new URLSearchParams("preset=30d&region=DE&genre=crime&department=12&page=2&sort=units");
    expect(bookDrillUrl("Love & War", current)).toBe("/books?preset=30d&region=DE&genre=crime&search=Love+%26+War");
  });

  test("a long title is cut to the 100 characters the search accepts", () => {
    const url = bookDrillUrl("x".repeat(150), new URLSearchParams());
    expect(new URL(url, "http://folio.test").searchParams.get("search")).toBe("x".repeat(100));
  });
});

describe("safeNext", () => {
  test.each([
    ["/books?region=DE", "/books?region=DE"],
    ["/", "/"],
    [null, "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example/", "/"],
    ["/login", "/"],
    ["/login?next=/books", "/"],
  ])("after login, next=%j goes to %s", (next, target) => {
    expect(safeNext(next)).toBe(target);
  });
});
