import { useState, type FormEvent } from "react";
import { ApiError } from "../api/ApiError";
import {
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useSetWebhookActive,
  useTestWebhook,
  useWebhookEvents,
  useWebhooks,
  type Delivery,
  type Webhook,
  type WebhookCreated,
} from "../api/useWebhooks";
import { DataTable, type Column } from "../components/DataTable";
import { buttonClass, dangerButtonClass, inputClass, smallButtonClass } from "../components/formClasses";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { formatDateTime } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { TitledSection } from "../components/TitledSection";

const STATUS_CLASS: Record<Delivery["status"], string> = {
  pending: "bg-amber-100 text-amber-900",
  succeeded: "bg-green-100 text-green-900",
  failed: "bg-red-100 text-red-900",
};

/** The workspace's webhooks (for its admins): register, pause or resume, test, delete, and a delivery log. */
export function WebhooksPage() {
  const webhooks = useWebhooks();
  const events = useWebhookEvents();
  const create = useCreateWebhook();
  const setActive = useSetWebhookActive();
  const remove = useDeleteWebhook();
  const test = useTestWebhook();
  const [url, setUrl] = useState("");
  const [chosen, setChosen] = useState<string[]>(["generation.published"]);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const rows = webhooks.data ?? [];
  const shown = selected ?? rows[0]?.id ?? null;
  const deliveries = useDeliveries(shown);
  const subscribable = (events.data ?? []).filter((kind) => kind.name !== "webhook.test");

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { url: url.trim(), events: chosen },
      {
        onSuccess: (hook) => {
          setCreated(hook);
          setSelected(hook.id);
          setUrl("");
        },
      },
    );
  };
  const toggle = (name: string) =>
    setChosen((current) => (current.includes(name) ? current.filter((item) => item !== name) : [...current, name]));

  const failure = [create, setActive, remove, test]
    .map((mutation) => mutation.error)
    .find((error) => error instanceof ApiError);

  const webhookColumns: Column<Webhook>[] = [
    {
      key: "url",
      header: "URL",
      render: (row) => (
        <button
          type="button"
          data-testid={`webhook-select-${row.id}`}
          className="text-left text-blue-800 underline-offset-2 hover:underline"
          onClick={() => setSelected(row.id)}
        >
          {row.url}
        </button>
      ),
    },
    { key: "events", header: "Events", render: (row) => row.events.join(", ") },
    {
      key: "active",
      header: "State",
      render: (row) => <span data-testid={`webhook-state-${row.id}`}>{row.active ? "active" : "paused"}</span>,
    },
    { key: "created", header: "Created", render: (row) => formatDateTime(row.created_at) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (row) => (
        <div className="flex gap-2">
          <button
            type="button"
            data-testid={`webhook-test-${row.id}`}
            className={smallButtonClass}
            disabled={test.isPending || !row.active}
            onClick={() => {
              setSelected(row.id);
              test.mutate(row.id);
            }}
          >
            Send test
          </button>
          <button
            type="button"
            data-testid={`webhook-toggle-${row.id}`}
            className={smallButtonClass}
            disabled={setActive.isPending}
            onClick={() => setActive.mutate({ id: row.id, active: !row.active })}
          >
            {row.active ? "Pause" : "Resume"}
          </button>
          <button
            type="button"
            data-testid={`webhook-delete-${row.id}`}
            className={dangerButtonClass}
            aria-label={`Delete the webhook to ${row.url}`}
            onClick={() => {
              if (created?.id === row.id) setCreated(null);
              if (selected === row.id) setSelected(null);
              remove.mutate(row.id);
            }}
          >
            Delete
          </button>
        </div>
      ),
    },
  ];
  const deliveryColumns: Column<Delivery>[] = [
    { key: "event", header: "Event", render: (row) => row.event },
    {
      key: "status",
      header: "Status",
      render: (row) => (
        <span
          data-testid={`delivery-status-${row.id}`}
          className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_CLASS[row.status]}`}
        >
          {row.status}
        </span>
      ),
    },
    { key: "attempts", header: "Attempts", render: (row) => row.attempts },
    {
      key: "code",
      header: "Response",
      render: (row) => <span data-testid={`delivery-code-${row.id}`}>{row.response_code ?? "–"}</span>,
    },
    {
      key: "error",
      header: "Error",
      render: (row) => <span data-testid={`delivery-error-${row.id}`}>{row.error || "–"}</span>,
    },
    { key: "created", header: "Queued", render: (row) => formatDateTime(row.created_at) },
    {
      key: "next",
      header: "Next try",
      render: (row) => (row.next_attempt_at ? formatDateTime(row.next_attempt_at) : "–"),
    },
  ];
  const deliveryRows = deliveries.data?.results ?? [];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Webhooks"
        description="URLs that receive this workspace's events as signed JSON POSTs (X-Folio-Signature), retried with back-off for a day."
      />
      <TitledSection id="add-webhook-title" title="Register a webhook">
        <form className="mt-3 flex flex-col gap-3" onSubmit={onCreate}>
          <div className="max-w-xl">
            <label htmlFor="webhook-url" className="block text-xs font-medium text-slate-700">
              URL (http or https, a public address)
            </label>
            <input
              id="webhook-url"
              data-testid="webhook-url"
              type="url"
              required
              className={inputClass}
              value={url}
              onChange={(event) => setUrl(event.target.value)}
            />
          </div>
          <fieldset className="flex flex-wrap gap-4">
            <legend className="mb-1 block text-xs font-medium text-slate-700">Events</legend>
            {subscribable.map((kind) => (
              <label key={kind.name} className="flex items-center gap-1.5 text-sm" title={kind.description}>
                <input
                  type="checkbox"
                  data-testid={`webhook-event-${kind.name}`}
                  checked={chosen.includes(kind.name)}
                  onChange={() => toggle(kind.name)}
                />
                {kind.name}
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit" data-testid="webhook-create" className={buttonClass} disabled={create.isPending}>
              {create.isPending ? "Registering…" : "Register"}
            </button>
          </div>
        </form>
        {failure instanceof ApiError ? (
          <p role="alert" data-testid="webhooks-error" className="mt-2 text-sm text-red-700">
            {Object.values(failure.errors)[0]?.[0] ?? failure.detail}
          </p>
        ) : null}
        {created ? (
          <div
            data-testid="webhook-secret-box"
            className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
          >
            <p className="font-medium">The signing secret of {created.url}, shown this once:</p>
            <code data-testid="webhook-secret" className="mt-1 block break-all font-mono text-sm select-all">
              {created.secret}
            </code>
            <p className="mt-1 text-slate-700">
              Copy it now (select it and copy) into your receiver to verify X-Folio-Signature; Folio will not show it
              again.
            </p>
            <button
              type="button"
              data-testid="webhook-secret-dismiss"
              className={`${smallButtonClass} mt-2`}
              onClick={() => setCreated(null)}
            >
              I have copied it
            </button>
          </div>
        ) : null}
      </TitledSection>
      <Panel
        name="webhooks-table"
        title="Webhooks"
        state={panelState(webhooks, rows.length === 0)}
        error={webhooks.error}
        onRetry={() => void webhooks.refetch()}
        emptyMessage="No webhook yet."
        skeleton="table"
      >
        <DataTable
          caption="Webhooks of this workspace"
          columns={webhookColumns}
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `webhook-row-${row.id}`}
        />
      </Panel>
      <Panel
        name="deliveries-table"
        title={`Deliveries${shown === null ? "" : ` of ${rows.find((row) => row.id === shown)?.url ?? ""}`}`}
        state={shown === null ? "empty" : panelState(deliveries, deliveryRows.length === 0)}
        error={deliveries.error}
        onRetry={() => void deliveries.refetch()}
        emptyMessage="No delivery yet."
        skeleton="table"
      >
        <DataTable
          caption="Latest deliveries"
          columns={deliveryColumns}
          rows={deliveryRows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `delivery-row-${row.id}`}
        />
      </Panel>
    </div>
  );
}
