import type { ReactNode } from "react";
import { cellId, tableCells } from "../lib/movedCells";
import { useMovedCells } from "../lib/useMovedCells";

export interface Column<Row> {
  key: string;
  header: ReactNode;
  numeric?: boolean;
  render: (row: Row) => ReactNode;
}

interface DataTableProps<Row> {
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  rowTestId?: (row: Row) => string;
  /** A drill-down: the whole row is clickable, its first cell is a button for keyboards. */
  onRowClick?: (row: Row) => void;
  rowActionLabel?: (row: Row) => string;
  isRowSelected?: (row: Row) => boolean;
  maxHeightClass?: string;
  footer?: ReactNode;
  /** The question the rows answer (its URL): cells whose value a live update changed are
   * highlighted for a moment. Leave it out for tables that are not analytics answers. */
  liveScope?: string;
}

/** A table that scrolls sideways on narrow screens, with optional clickable rows. */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  rowTestId,
  onRowClick,
  rowActionLabel,
  isRowSelected,
  maxHeightClass = "",
  footer,
  liveScope,
}: DataTableProps<Row>) {
  // No rows is no answer yet (or none to compare with): the next rows are new, not moved.
  const cells = liveScope === undefined || rows.length === 0 ? undefined : tableCells(rows, rowKey, columns);
  const moved = useMovedCells(liveScope, cells);
  return (
    <div className={`overflow-x-auto ${maxHeightClass ? `${maxHeightClass} overflow-y-auto` : ""}`}>
      <table className="min-w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 z-10 bg-white">
          <tr className="border-b border-slate-200">
            {columns.map((column) => (
              <th
                key={column.key}
                scope="col"
                className={`px-2 py-2 font-semibold whitespace-nowrap text-slate-700 ${column.numeric ? "text-right" : "text-left"}`}
              >
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const selected = isRowSelected?.(row) ?? false;
            return (
              <tr
                key={rowKey(row)}
                data-testid={rowTestId?.(row)}
                data-selected={selected ? "true" : undefined}
                onClick={onRowClick ? () => onRowClick(row) : undefined}
                className={`border-b border-slate-100 ${onRowClick ? "cursor-pointer hover:bg-blue-50" : ""} ${selected ? "bg-blue-50" : ""}`}
              >
                {columns.map((column, index) => (
                  <td
                    key={column.key}
                    data-moved={moved.has(cellId(rowKey(row), column.key)) ? "true" : undefined}
                    className={`px-2 py-1.5 whitespace-nowrap ${column.numeric ? "text-right tabular-nums" : ""} ${moved.has(cellId(rowKey(row), column.key)) ? "live-moved" : ""}`}
                  >
                    {index === 0 && onRowClick ? (
                      <button
                        type="button"
                        className="text-left font-medium text-blue-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
                        aria-label={rowActionLabel?.(row)}
                      >
                        {column.render(row)}
                      </button>
                    ) : (
                      column.render(row)
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
        {footer ? <tfoot>{footer}</tfoot> : null}
      </table>
    </div>
  );
}
