import { useState, type FormEvent } from "react";
import { ApiError } from "../api/ApiError";
import { useCreateToken, type ApiTokenCreated } from "../api/useCreateToken";
import { useRevokeToken } from "../api/useRevokeToken";
import { useTokens, type ApiToken } from "../api/useTokens";
import { DataTable, type Column } from "../components/DataTable";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { formatDateTime } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { TitledSection } from "../components/TitledSection";

type TokenStatus = "active" | "revoked" | "expired";

function statusOf(token: ApiToken): TokenStatus {
  if (token.revoked_at) return "revoked";
  return token.active ? "active" : "expired";
}

const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";
const buttonClass =
  "rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60";

function CreatedToken({ created }: { created: ApiTokenCreated }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div role="status" className="mt-4 rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm">
      <p className="font-medium text-emerald-900">
        Token “{created.name}” created. Copy it now: it is shown only once.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="token-created-value"
          className="rounded bg-white px-2 py-1 font-mono text-sm break-all text-slate-900 select-all"
        >
          {created.token}
        </code>
        <button type="button" data-testid="token-copy" onClick={copy} className={buttonClass}>
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
        {copied === "failed" ? (
          <span className="text-red-700">Copying failed: select the token and copy it by hand.</span>
        ) : null}
      </div>
      <p className="mt-2 text-slate-700">
        Use it as <code className="font-mono">Authorization: Bearer …</code>; it expires{" "}
        {formatDateTime(created.expires_at)}.
      </p>
    </div>
  );
}

/** Personal API tokens: create one (shown once, with a copy button), list them, revoke. */
export function SettingsPage() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), ...(days ? { days: Number(days) } : {}) }, { onSuccess: () => setName("") });
  };

  const rows = tokens.data ?? [];
  const createError = create.error instanceof ApiError ? create.error : null;
  const revokeError = revoke.error instanceof ApiError ? revoke.error.detail : null;

  const columns: Column<ApiToken>[] = [
    { key: "name", header: "Name", render: (row) => row.name },
    { key: "prefix", header: "Prefix", render: (row) => <code className="font-mono">{row.prefix}…</code> },
    { key: "created", header: "Created", render: (row) => formatDateTime(row.created_at) },
    { key: "expires", header: "Expires", render: (row) => formatDateTime(row.expires_at) },
    {
      key: "used",
      header: "Last used",
      render: (row) => (row.last_used_at ? formatDateTime(row.last_used_at) : "never"),
    },
    {
      key: "status",
      header: "Status",
      render: (row) => {
        const status = statusOf(row);
        const tone =
          status === "active" ? "text-emerald-800" : status === "revoked" ? "text-red-800" : "text-slate-600";
        return (
          <span data-testid={`token-status-${row.id}`} className={`font-medium ${tone}`}>
            {status}
          </span>
        );
      },
    },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (row) =>
        statusOf(row) === "active" ? (
          <button
            type="button"
            data-testid={`token-revoke-${row.id}`}
            onClick={() => revoke.mutate(row.id)}
            disabled={revoke.isPending && revoke.variables === row.id}
            className="rounded-md border border-red-300 px-2 py-1 text-xs font-medium text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700"
            aria-label={`Revoke ${row.name}`}
          >
            Revoke
          </button>
        ) : null,
    },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Settings"
        description="Personal API tokens for scripts: send one as Authorization: Bearer <token>."
      />
      <TitledSection id="new-token-title" title="New token">
        <form className="mt-3 flex flex-wrap items-end gap-3" onSubmit={onCreate}>
          <div className="w-64">
            <label htmlFor="token-name" className="block text-xs font-medium text-slate-700">
              Name
            </label>
            <input
              id="token-name"
              data-testid="token-name"
              required
              maxLength={100}
              className={inputClass}
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="e.g. nightly export"
            />
          </div>
          <div className="w-28">
            <label htmlFor="token-days" className="block text-xs font-medium text-slate-700">
              Days valid
            </label>
            <input
              id="token-days"
              data-testid="token-days"
              type="number"
              min={1}
              max={365}
              className={inputClass}
              value={days}
              onChange={(event) => setDays(event.target.value)}
            />
          </div>
          <button type="submit" data-testid="token-create" className={buttonClass} disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </form>
        {createError ? (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {createError.detail}
          </p>
        ) : null}
        {create.data ? <CreatedToken key={create.data.id} created={create.data} /> : null}
      </TitledSection>

      <Panel
        name="tokens-table"
        title="Your tokens"
        subtitle="Newest first, revoked and expired ones included."
        state={panelState(tokens, rows.length === 0)}
        error={tokens.error}
        onRetry={() => void tokens.refetch()}
        emptyMessage="You have no API tokens yet."
        skeleton="table"
      >
        {revokeError ? (
          <p role="alert" className="mb-2 text-sm text-red-700">
            {revokeError}
          </p>
        ) : null}
        <DataTable
          caption="Your API tokens"
          columns={columns}
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `token-row-${row.id}`}
        />
      </Panel>
    </div>
  );
}
