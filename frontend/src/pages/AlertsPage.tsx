import { useState, type FormEvent } from "react";
import { ApiError } from "../api/ApiError";
import type { components } from "../api/schema";
import { useAlertEvents, type AlertEvent } from "../api/useAlertEvents";
import { useAlerts, type Alert, type AlertWrite } from "../api/useAlerts";
import { useChangeAlert } from "../api/useChangeAlert";
import { useCreateAlert } from "../api/useCreateAlert";
import { useDeleteAlert } from "../api/useDeleteAlert";
import { useTestAlert } from "../api/useTestAlert";
import { DataTable, type Column } from "../components/DataTable";
import { SelectField, TextField, type Choice } from "../components/Field";
import { buttonClass, dangerButtonClass, smallButtonClass } from "../components/formClasses";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { formatDateTime } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { QUESTION_NAMES } from "../lib/questionNames";
import { TitledSection } from "../components/TitledSection";

type Question = components["schemas"]["AlertQuestionEnum"];
type Condition = components["schemas"]["AlertConditionEnum"];

const QUESTIONS: readonly Question[] = QUESTION_NAMES;
const CONDITIONS: { value: Condition; label: string }[] = [
  { value: "above", label: "above the threshold" },
  { value: "below", label: "below the threshold" },
  { value: "change_above", label: "change vs previous period above (%)" },
  { value: "change_below", label: "change vs previous period below (%)" },
  { value: "anomaly", label: "outside mean ± k·stdev of N buckets" },
  { value: "seasonal", label: "change vs a year before beyond ± (%)" },
];
const BUCKETS: Choice<Draft["bucket"]>[] = [
  { value: "", label: "default (last complete)" },
  { value: "last_complete", label: "last complete" },
  { value: "last", label: "last" },
];

const STATE_TONES: Record<Alert["state"], string> = {
  ok: "bg-emerald-100 text-emerald-900",
  firing: "bg-red-100 text-red-900",
  error: "bg-amber-100 text-amber-900",
};

/** `a=1&b=2` as an object of strings (the query string a question's URL takes). */
function pairs(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text.trim()).entries());
}

interface Draft {
  name: string;
  question: Question;
  params: string;
  window: string;
  field: string;
  row: string;
  bucket: "" | "last" | "last_complete";
  condition: Condition;
  threshold: string;
  periods: string;
  deviations: string;
}

const EMPTY: Draft = {
  name: "",
  question: "summary",
  params: "",
  window: "",
  field: "revenue",
  row: "",
  bucket: "",
  condition: "above",
  threshold: "",
  periods: "28",
  deviations: "3",
};

function request(draft: Draft): AlertWrite {
  const row = pairs(draft.row);
  return {
    name: draft.name.trim(),
    question: draft.question,
    params: pairs(draft.params),
    window: draft.window.trim(),
    value: {
      field: draft.field.trim(),
      ...(Object.keys(row).length ? { row } : {}),
      ...(draft.bucket ? { bucket: draft.bucket } : {}),
    },
    condition: draft.condition,
    threshold: draft.threshold.trim() === "" ? null : draft.threshold.trim(),
    periods: Number(draft.periods),
    deviations: draft.deviations.trim(),
  };
}

function AlertHistory({ alert }: { alert: Alert }) {
  const events = useAlertEvents(alert.id);
  const rows = events.data ?? [];
  const columns: Column<AlertEvent>[] = [
    { key: "when", header: "When", render: (row) => formatDateTime(row.created_at) },
    { key: "kind", header: "Event", render: (row) => row.kind },
    { key: "value", header: "Value", numeric: true, render: (row) => row.value ?? "—" },
    { key: "generation", header: "Generation", numeric: true, render: (row) => row.generation },
    {
      key: "email",
      header: "Email",
      render: (row) => row.notified + (row.notify_error ? `: ${row.notify_error}` : ""),
    },
    { key: "message", header: "Message", render: (row) => row.message },
  ];
  return (
    <Panel
      name="alert-events"
      title={`History of “${alert.name}”`}
      subtitle="Newest first."
      state={panelState(events, rows.length === 0)}
      error={events.error}
      onRetry={() => void events.refetch()}
      emptyMessage="Nothing has happened yet: no event."
      skeleton="table"
    >
      <DataTable
        caption={`Events of ${alert.name}`}
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        rowTestId={(row) => `alert-event-${row.id}`}
      />
    </Panel>
  );
}

/** The caller's alerts: create one, test it now, pause or resume, delete, read its history. */
export function AlertsPage() {
  const alerts = useAlerts();
  const create = useCreateAlert();
  const change = useChangeAlert();
  const remove = useDeleteAlert();
  const test = useTestAlert();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [shown, setShown] = useState<number | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(request(draft), { onSuccess: () => setDraft(EMPTY) });
  };

  const rows = alerts.data ?? [];
  const createError = create.error instanceof ApiError ? create.error : null;
  const actionError = [change.error, remove.error, test.error].find((error) => error instanceof ApiError) as
    ApiError | undefined;
  const history = rows.find((row) => row.id === shown) ?? null;

  const columns: Column<Alert>[] = [
    { key: "name", header: "Name", render: (row) => row.name },
    { key: "question", header: "Question", render: (row) => <code className="font-mono">{row.question}</code> },
    {
      key: "condition",
      header: "Condition",
      render: (row) => `${row.value.field} ${row.condition}${row.threshold !== null ? ` ${row.threshold}` : ""}`,
    },
    {
      key: "state",
      header: "State",
      render: (row) => (
        <span
          data-testid={`alert-state-${row.id}`}
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATE_TONES[row.state]}`}
          title={row.last_error || undefined}
        >
          {row.active ? row.state : `${row.state} (paused)`}
        </span>
      ),
    },
    { key: "last", header: "Last value", numeric: true, render: (row) => row.last_value ?? "—" },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (row) => (
        <div className="flex flex-wrap gap-1">
          <button
            type="button"
            data-testid={`alert-test-${row.id}`}
            className={smallButtonClass}
            disabled={test.isPending}
            onClick={() => test.mutate(row.id)}
          >
            Test
          </button>
          <button
            type="button"
            data-testid={`alert-toggle-${row.id}`}
            className={smallButtonClass}
            onClick={() => change.mutate({ id: row.id, change: { active: !row.active } })}
          >
            {row.active ? "Pause" : "Resume"}
          </button>
          <button
            type="button"
            data-testid={`alert-history-${row.id}`}
            className={smallButtonClass}
            onClick={() => setShown(row.id)}
          >
            History
          </button>
          <a data-testid={`alert-open-${row.id}`} className={smallButtonClass} href={row.dashboard_url}>
            Open
          </a>
          <button
            type="button"
            data-testid={`alert-delete-${row.id}`}
            className={dangerButtonClass}
            aria-label={`Delete ${row.name}`}
            onClick={() => remove.mutate(row.id)}
          >
            Delete
          </button>
        </div>
      ),
    },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Alerts"
        description="Watch one value of a question; Folio checks it after every load and emails you when it crosses the line."
      />
      <TitledSection id="new-alert-title" title="New alert">
        <form className="mt-3 flex flex-wrap items-end gap-3" onSubmit={onCreate}>
          <TextField
            id="alert-name"
            label="Name"
            required
            maxLength={200}
            value={draft.name}
            onChange={(name) => set({ name })}
          />
          <SelectField
            id="alert-question"
            label="Question"
            value={draft.question}
            onChange={(question) => set({ question })}
            choices={QUESTIONS}
          />
          <TextField
            id="alert-params"
            label="Filters (query string)"
            placeholder="granularity=week&region=US"
            value={draft.params}
            onChange={(params) => set({ params })}
          />
          <TextField
            id="alert-window"
            label="Window (7d, 4w, 3m)"
            value={draft.window}
            onChange={(window) => set({ window })}
          />
          <TextField
            id="alert-field"
            label="Value (field)"
            required
            value={draft.field}
            onChange={(field) => set({ field })}
          />
          <TextField
            id="alert-row"
            label="Row (tables: column=value)"
            placeholder="region=US"
            value={draft.row}
            onChange={(row) => set({ row })}
          />
          <SelectField
            id="alert-bucket"
            label="Bucket (series)"
            value={draft.bucket}
            onChange={(bucket) => set({ bucket })}
            choices={BUCKETS}
          />
          <SelectField
            id="alert-condition"
            label="Condition"
            value={draft.condition}
            onChange={(condition) => set({ condition })}
            choices={CONDITIONS}
          />
          <TextField
            id="alert-threshold"
            label="Threshold"
            inputMode="decimal"
            value={draft.threshold}
            onChange={(threshold) => set({ threshold })}
          />
          <TextField
            id="alert-periods"
            label="N (anomaly buckets)"
            type="number"
            min={2}
            max={366}
            value={draft.periods}
            onChange={(periods) => set({ periods })}
          />
          <TextField
            id="alert-deviations"
            label="k (standard deviations)"
            inputMode="decimal"
            value={draft.deviations}
            onChange={(deviations) => set({ deviations })}
          />
          <button type="submit" data-testid="alert-create" className={buttonClass} disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create alert"}
          </button>
        </form>
        {createError ? (
          <div role="alert" data-testid="alert-create-error" className="mt-2 text-sm text-red-700">
            <p>{createError.detail}</p>
            <ul className="list-disc pl-5">
              {Object.entries(createError.errors).map(([field, messages]) => (
                <li key={field}>
                  {field}: {messages.join(" ")}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </TitledSection>

      {test.data ? (
        <div
          role="status"
          data-testid="alert-test-result"
          className="rounded-lg border border-sky-300 bg-sky-50 p-3 text-sm"
        >
          <p>
            Value now: <strong data-testid="alert-test-value">{test.data.value ?? "none"}</strong> (generation{" "}
            {test.data.generation}) — the condition{" "}
            <strong data-testid="alert-test-holds">
              {test.data.holds === null ? "cannot be decided" : test.data.holds ? "holds" : "does not hold"}
            </strong>
            .
          </p>
          <p className="text-slate-700">{test.data.detail || test.data.error}</p>
          <p className="text-slate-700">Test email: {test.data.email}.</p>
        </div>
      ) : null}

      <Panel
        name="alerts-table"
        title="Your alerts"
        subtitle="Evaluated after every load; each fires once and resolves once."
        state={panelState(alerts, rows.length === 0)}
        error={alerts.error}
        onRetry={() => void alerts.refetch()}
        emptyMessage="You have no alerts yet."
        skeleton="table"
      >
        {actionError ? (
          <p role="alert" className="mb-2 text-sm text-red-700">
            {actionError.detail}
          </p>
        ) : null}
        <DataTable
          caption="Your alerts"
          columns={columns}
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `alert-row-${row.id}`}
        />
      </Panel>
      {history ? <AlertHistory alert={history} /> : null}
    </div>
  );
}
