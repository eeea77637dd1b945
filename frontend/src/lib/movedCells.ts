/** "What moved" after a live update: which shown values differ from the ones shown just
 * before for the same question. Pure, so the unit tests check it without a DOM. */

/** The values a panel shows for one question: `scope` names the question (its URL), and
 * `cells` maps a cell id (see cellId) to the text shown in it. */
export interface CellSnapshot {
  scope: string;
  cells: Readonly<Record<string, string>>;
}

/** How long a moved value stays highlighted. */
export const MOVED_HOLD_MS = 2_000;

/** The id of one table cell: the row's key and the column's. */
export function cellId(row: string | number, column: string): string {
  return `${row}\u001f${column}`;
}

/** The cells of `next` whose value differs from `previous`, or that it did not have (a row
 * that entered a top list). Nothing moved when there was no previous snapshot or it
 * answered another question: a filter or a page change is not a live update. */
export function movedCells(previous: CellSnapshot | undefined, next: CellSnapshot): Set<string> {
  const moved = new Set<string>();
  if (!previous || previous.scope !== next.scope) return moved;
  for (const [id, value] of Object.entries(next.cells)) {
    if (previous.cells[id] !== value) moved.add(id);
  }
  return moved;
}

interface ColumnLike<Row> {
  key: string;
  render: (row: Row) => unknown;
}

/** A table's cells as shown: every column whose rendering is text or a number (formatted
 * amounts, counts, names); cells drawn as elements (badges, links) are left out. */
export function tableCells<Row>(
  rows: readonly Row[],
  rowKey: (row: Row) => string | number,
  columns: readonly ColumnLike<Row>[],
): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const row of rows) {
    const key = rowKey(row);
    for (const column of columns) {
      const shown = column.render(row);
      if (typeof shown === "string" || typeof shown === "number") cells[cellId(key, column.key)] = String(shown);
    }
  }
  return cells;
}
