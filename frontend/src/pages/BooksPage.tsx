import { analyticsUrl } from "../api/analyticsUrl";
import { useEffect, useState } from "react";
import type { components } from "../api/schema";
import { useAnalytics } from "../api/useAnalytics";
import { DataTable, type Column } from "../components/DataTable";
import { DrillBreadcrumb } from "../components/DrillBreadcrumb";
import { FilterBar } from "../components/FilterBar";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { describeScope } from "../lib/describeScope";
import { formatDecimal, formatInteger } from "../lib/formatDecimal";
import { panelState } from "../lib/panelState";
import { useDashboardFilters } from "../lib/useDashboardFilters";

type TopBook = components["schemas"]["TopBook"];

const PAGE_SIZE = 25;
const SORTS = [
  { value: "revenue", label: "Revenue" },
  { value: "units", label: "Units" },
  { value: "orders", label: "Orders" },
] as const;
type Sort = (typeof SORTS)[number]["value"];

const SEARCH_DELAY_MS = 300;

function isSort(value: string | null): value is Sort {
  return SORTS.some((sort) => sort.value === value);
}

const fieldClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";
const buttonClass =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:opacity-50";

/** Best sellers, sortable by revenue, units or orders, searchable, a page of 25 at a time. */
export function BooksPage() {
  const filters = useDashboardFilters("sales");
  const rawSort = filters.params.get("sort");
  const sort: Sort = isSort(rawSort) ? rawSort : "revenue";
  const page = Math.max(1, Number.parseInt(filters.params.get("page") ?? "1", 10) || 1);
  const applied = filters.search ?? "";
  const [draft, setDraft] = useState(applied);

  // The URL wins when it changes from outside (back/forward, breadcrumb, a book drill-down):
  // adjusted while rendering, so no render ever pairs the new URL with the old draft.
  const [draftFor, setDraftFor] = useState(applied);
  if (draftFor !== applied) {
    setDraftFor(applied);
    setDraft(applied);
  }
  const pending = draft !== applied && !(draft.trim() === "" && applied === "");
  const { update } = filters;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(() => update({ search: draft.trim() ? draft : null }), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [draft, pending, update]);

  const offset = (page - 1) * PAGE_SIZE;
  const base = { ...filters.salesQuery, order: sort, offset, search: filters.search };
  // One row more than shown tells whether a next page exists.
  const booksQuery = { ...base, limit: PAGE_SIZE + 1 };
  const books = useAnalytics("top-books", booksQuery, { enabled: filters.rangeReady });
  const rows = (books.data?.results ?? []).slice(0, PAGE_SIZE);
  const hasNext = (books.data?.results.length ?? 0) > PAGE_SIZE;
  const state = pending ? "loading" : panelState(books, rows.length === 0);

  const scope = describeScope(books.data?.params, filters);
  const emptyMessage =
    page > 1
      ? `No books on page ${page}: the list ends earlier.`
      : filters.search
        ? `No books whose title or authors contain “${filters.search}” sold ${scope}.`
        : `No sales ${scope}.`;

  const columns: Column<TopBook>[] = [
    { key: "rank", header: "#", numeric: true, render: (row) => row.rank },
    { key: "title", header: "Title", render: (row) => row.title },
    { key: "authors", header: "Authors", render: (row) => row.authors },
    { key: "genre", header: "Genre", render: (row) => row.genre_name ?? "—" },
    { key: "isbn", header: "ISBN", render: (row) => row.isbn13 ?? "—" },
    { key: "revenue", header: "Revenue", numeric: true, render: (row) => formatDecimal(row.revenue) },
    { key: "units", header: "Units", numeric: true, render: (row) => formatInteger(row.units) },
    { key: "orders", header: "Orders", numeric: true, render: (row) => formatInteger(row.orders) },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader title="Top books" description="Best sellers in the period; search by title or author." />
      <FilterBar filters={filters} selects={["region", "genre"]}>
        <div className="w-64">
          <label htmlFor="books-search" className="block text-xs font-medium text-slate-700">
            Search title or author
          </label>
          <input
            id="books-search"
            data-testid="books-search"
            type="search"
            className={fieldClass}
            value={draft}
            maxLength={100}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") update({ search: draft.trim() ? draft : null });
            }}
          />
        </div>
        <div className="w-36">
          <label htmlFor="books-sort" className="block text-xs font-medium text-slate-700">
            Sort by
          </label>
          <select
            id="books-sort"
            data-testid="books-sort"
            className={fieldClass}
            value={sort}
            onChange={(event) => update({ sort: event.target.value === "revenue" ? null : event.target.value })}
          >
            {SORTS.map((item) => (
              <option key={item.value} value={item.value}>
                {item.label}
              </option>
            ))}
          </select>
        </div>
      </FilterBar>
      <DrillBreadcrumb filters={filters} names={["search", "region", "genre"]} />
      <Panel
        name="books-table"
        title="Best sellers"
        subtitle={rows.length > 0 ? `Books ${offset + 1}–${offset + rows.length}, by ${sort}` : `By ${sort}`}
        state={state}
        error={books.error}
        onRetry={() => void books.refetch()}
        emptyMessage={emptyMessage}
        download={{ endpoint: "top-books", query: { ...base, limit: PAGE_SIZE } }}
        skeleton="table"
        footer={
          <div className="flex items-center justify-between gap-2">
            <button
              type="button"
              data-testid="books-prev"
              className={buttonClass}
              disabled={page <= 1}
              onClick={() => update({ page: page > 2 ? String(page - 1) : null })}
            >
              ← Previous
            </button>
            <span className="text-sm text-slate-600">Page {page}</span>
            <button
              type="button"
              data-testid="books-next"
              className={buttonClass}
              disabled={!hasNext}
              onClick={() => update({ page: String(page + 1) })}
            >
              Next →
            </button>
          </div>
        }
      >
        <DataTable
          caption="Best-selling books"
          columns={columns}
          rows={rows}
          rowKey={(row) => row.book_id}
          rowTestId={(row) => `row-book-${row.book_id}`}
          onRowClick={(row) => update({ search: row.title.slice(0, 100) })}
          rowActionLabel={(row) => `Show only ${row.title}`}
          isRowSelected={(row) => row.title === filters.search}
          liveScope={analyticsUrl("top-books", booksQuery)}
        />
      </Panel>
    </div>
  );
}
