import { describe, expect, test } from "vitest";
import { cellId, movedCells, tableCells } from "./movedCells";

interface Book {
  id: number;
  title: string;
  revenue: string;
}

const columns = [
  { key: "title", render: (row: Book) => row.title },
  { key: "revenue", render: (row: Book) => row.revenue },
  { key: "badge", render: (row: Book) => ({ type: "span", props: { children: row.revenue } }) },
];

const snapshot = (scope: string, rows: Book[]) => ({
  scope,
  cells: tableCells(rows, (row) => row.id, columns),
});

describe("movedCells", () => {
  const before = [
    { id: 1, title: "Dune", revenue: "1,200.00" },
    { id: 2, title: "Emma", revenue: "800.00" },
  ];

  test("a live update marks the cells whose shown value changed", () => {
    const after = [
      { id: 1, title: "Dune", revenue: "1,215.50" },
      { id: 2, title: "Emma", revenue: "800.00" },
    ];
    expect(movedCells(snapshot("/top-books", before), snapshot("/top-books", after))).toEqual(
      new Set([cellId(1, "revenue")]),
    );
  });

  test("a row that entered the list is new in every cell", () => {
    const after = [...before, { id: 3, title: "Ulysses", revenue: "750.00" }];
    expect(movedCells(snapshot("/top-books", before), snapshot("/top-books", after))).toEqual(
      new Set([cellId(3, "title"), cellId(3, "revenue")]),
    );
  });

  test("nothing moved when the answer is for another question (a filter changed)", () => {
    const after = [{ id: 1, title: "Dune", revenue: "90.00" }];
    expect(movedCells(snapshot("/top-books?region=FR", before), snapshot("/top-books?region=GB", after)).size).toBe(0);
  });

  test("nothing moved on a first answer, or an identical one", () => {
    expect(movedCells(undefined, snapshot("/top-books", before)).size).toBe(0);
    expect(movedCells(snapshot("/top-books", before), snapshot("/top-books", before)).size).toBe(0);
  });

  test("KPI values compare by name", () => {
    const previous = { scope: "/summary", cells: { revenue: "127241.63", units: "7090" } };
    const next = { scope: "/summary", cells: { revenue: "127260.63", units: "7090" } };
    expect(movedCells(previous, next)).toEqual(new Set(["revenue"]));
  });
});

test("tableCells keeps the text cells and leaves out the ones drawn as elements", () => {
  expect(tableCells([{ id: 7, title: "Dune", revenue: "5.00" }], (row) => row.id, columns)).toEqual({
    [cellId(7, "title")]: "Dune",
    [cellId(7, "revenue")]: "5.00",
  });
});
