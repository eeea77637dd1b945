import { useState, type FormEvent } from "react";
import { auditQuery, useAudit, type AuditEntry, type AuditFilters } from "../api/useAudit";
import { DataTable, type Column } from "../components/DataTable";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { formatDateTime } from "../lib/formatDate";
import { panelState } from "../lib/panelState";

const EMPTY: AuditFilters = { since: "", until: "", actor: "", action: "", model: "", via: "" };
const FIELDS: { name: keyof AuditFilters; label: string; type: string; placeholder?: string }[] = [
  { name: "since", label: "From", type: "date" },
  { name: "until", label: "Until", type: "date" },
  { name: "actor", label: "User", type: "text", placeholder: "username" },
  { name: "action", label: "Action", type: "text", placeholder: "e.g. update, signin" },
  { name: "model", label: "Record type", type: "text", placeholder: "e.g. ledgerentry" },
  { name: "via", label: "Through", type: "text", placeholder: "admin, api, import job 12…" },
];
const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";
const buttonClass =
  "rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60";

function Changes({ entry }: { entry: AuditEntry }) {
  const changes = Object.entries(entry.changes ?? {});
  const counts = Object.entries(entry.counts ?? {});
  if (changes.length === 0 && counts.length === 0) return <span className="text-slate-500">–</span>;
  return (
    <ul className="space-y-0.5">
      {changes.map(([field, values]) => {
        const [before, after] = values as [unknown, unknown];
        return (
          <li key={field}>
            <span className="font-medium">{field}</span>: <span className="text-red-800">{String(before ?? "∅")}</span>{" "}
            → <span className="text-emerald-800">{String(after ?? "∅")}</span>
          </li>
        );
      })}
      {counts.map(([name, value]) => (
        <li key={name}>
          <span className="font-medium">{name}</span>: {String(value)}
        </li>
      ))}
    </ul>
  );
}

/** Who changed what, when and through what; sign-ins, tokens and refusals too (admins). */
export function HistoryPage() {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY);
  const audit = useAudit(filters);
  const rows = audit.data?.pages.flatMap((page) => page.results) ?? [];
  const query = auditQuery(filters);
  const csvUrl = `/api/audit/?${query ? `${query}&` : ""}format=csv`;

  const onFilter = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };

  const columns: Column<AuditEntry>[] = [
    { key: "at", header: "When", render: (row) => formatDateTime(row.at) },
    { key: "actor", header: "Who", render: (row) => row.actor || "–" },
    { key: "via", header: "Through", render: (row) => row.via || "–" },
    { key: "action", header: "What", render: (row) => row.action },
    {
      key: "object",
      header: "Record",
      render: (row) => (row.model ? `${row.model} ${row.object_id ?? ""} ${row.object_repr ?? ""}`.trim() : "–"),
    },
    { key: "changes", header: "Before → after", render: (row) => <Changes entry={row} /> },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="History"
        description="Every change to books, sales, ledger entries, budgets and statement lines, with sign-ins, tokens, membership changes and refusals. Entries cannot be edited or deleted."
      />
      <form
        className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        onSubmit={onFilter}
        aria-label="Filter the history"
      >
        {FIELDS.map((field) => (
          <div key={field.name} className="w-40">
            <label htmlFor={`history-${field.name}`} className="block text-xs font-medium text-slate-700">
              {field.label}
            </label>
            <input
              id={`history-${field.name}`}
              data-testid={`history-${field.name}`}
              type={field.type}
              placeholder={field.placeholder}
              className={inputClass}
              value={draft[field.name]}
              onChange={(event) => setDraft({ ...draft, [field.name]: event.target.value })}
            />
          </div>
        ))}
        <button type="submit" data-testid="history-apply" className={buttonClass}>
          Filter
        </button>
        <a
          href={csvUrl}
          data-testid="history-csv"
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100"
          download
        >
          Export CSV
        </a>
      </form>
      <Panel
        name="history-table"
        title="Events"
        subtitle="Newest first."
        state={panelState(audit, rows.length === 0)}
        error={audit.error}
        onRetry={() => void audit.refetch()}
        emptyMessage="No event matches these filters."
        skeleton="table"
      >
        <DataTable
          caption="Audit events"
          columns={columns}
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `history-row-${row.id}`}
        />
        {audit.hasNextPage ? (
          <button
            type="button"
            data-testid="history-more"
            className={`mt-3 ${buttonClass}`}
            disabled={audit.isFetchingNextPage}
            onClick={() => void audit.fetchNextPage()}
          >
            {audit.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </Panel>
    </div>
  );
}
