import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { ApiError } from "../api/ApiError";
import type { components } from "../api/schema";
import { useMe } from "../api/useMe";
import {
  useChangeSubscription,
  useCreateSubscription,
  useDeleteSubscription,
  useSendSubscription,
  useSubscriptionDeliveries,
  useSubscriptions,
  type Subscription,
  type SubscriptionDelivery,
  type SubscriptionWrite,
} from "../api/useSubscriptions";
import { DataTable, type Column } from "../components/DataTable";
import { SelectField, TextField, type Choice } from "../components/Field";
import { buttonClass, dangerButtonClass, smallButtonClass } from "../components/formClasses";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { describeSchedule, WEEKDAYS } from "../lib/describeSchedule";
import { formatBytes } from "../lib/formatBytes";
import { formatDateTime, formatDateTimeIn } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { QUESTION_NAMES } from "../lib/questionNames";
import { TitledSection } from "../components/TitledSection";
import {
  isReportPage,
  paramsFromQuery,
  queryFromParams,
  REPORT_PAGES,
  reportPageLabel,
  type ReportPage,
} from "../lib/reportPages";

type Target = Subscription["target"];
type Format = Subscription["format"];
type Schedule = Subscription["schedule"];
type Question = components["schemas"]["SubscriptionQuestionEnum"];

// Every question with a table: the summary's KPIs are no table to send.
const QUESTIONS = QUESTION_NAMES.filter((name): name is Question => name !== "summary");

// A page is rendered by a browser (PDF or PNG); a question's answer is a table (CSV or XLSX).
const FORMATS: Record<Target, { value: Format; label: string }[]> = {
  page: [
    { value: "pdf", label: "PDF" },
    { value: "png", label: "PNG image" },
  ],
  question: [
    { value: "csv", label: "CSV" },
    { value: "xlsx", label: "Excel (XLSX)" },
  ],
};
const DELIVERIES: Choice<NonNullable<Draft["delivery"]>>[] = [
  { value: "attach", label: "The file, attached" },
  { value: "link", label: "A link to download it" },
];
const SCHEDULES: { value: Schedule; label: string }[] = [
  { value: "daily", label: "Daily" },
  { value: "weekly", label: "Weekly" },
  { value: "monthly", label: "Monthly" },
  { value: "after_load", label: "After each load" },
];
const STATUS_TONES: Record<SubscriptionDelivery["status"], string> = {
  pending: "bg-amber-100 text-amber-900",
  retrying: "bg-amber-100 text-amber-900",
  sent: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

/** The reader's own time zone: what "09:00" most likely means to them. */
const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const ZONES = [...new Set(["UTC", BROWSER_ZONE, ...Intl.supportedValuesOf("timeZone")])].sort();

interface Draft {
  name: string;
  target: Target;
  page: ReportPage;
  question: Question;
  params: string;
  format: Format;
  delivery: SubscriptionWrite["delivery"];
  schedule: Schedule;
  time: string;
  timezone: string;
  weekday: string;
  dayOfMonth: string;
}

const EMPTY: Draft = {
  name: "",
  target: "page",
  page: "/",
  question: "top-books",
  params: "",
  format: "pdf",
  delivery: "attach",
  schedule: "weekly",
  time: "09:00",
  timezone: BROWSER_ZONE,
  weekday: "0",
  dayOfMonth: "1",
};

/** The form as the link from a dashboard page (`?page=/regions&region=US`) or a question
 * (`?question=top-books&limit=10`) fills it: the target and, as filters, the rest. */
function prefilled(search: URLSearchParams): Draft {
  const filters = new URLSearchParams(search);
  const page = filters.get("page");
  const question = filters.get("question");
  filters.delete("page");
  filters.delete("question");
  const params = queryFromParams(paramsFromQuery(filters));
  if (page !== null && isReportPage(page)) return { ...EMPTY, target: "page", page, params };
  const known = QUESTIONS.find((name) => name === question);
  if (known) return { ...EMPTY, target: "question", question: known, format: "xlsx", params };
  return EMPTY;
}

function request(draft: Draft): SubscriptionWrite {
  return {
    name: draft.name.trim(),
    target: draft.target,
    page: draft.target === "page" ? draft.page : "",
    question: draft.target === "question" ? draft.question : "",
    params: paramsFromQuery(draft.params),
    format: draft.format,
    delivery: draft.delivery,
    schedule: draft.schedule,
    time: draft.schedule === "after_load" ? null : draft.time,
    timezone: draft.timezone,
    weekday: draft.schedule === "weekly" ? Number(draft.weekday) : null,
    day_of_month: draft.schedule === "monthly" ? Number(draft.dayOfMonth) : null,
  };
}

/** "Regions page" or the question's name, then its filters. */
function ReportTarget({ subscription }: { subscription: Subscription }) {
  const filters = queryFromParams(subscription.params);
  return (
    <div>
      {subscription.target === "page" ? (
        `${reportPageLabel(subscription.page)} page`
      ) : (
        <code className="font-mono">{subscription.question}</code>
      )}
      {filters ? (
        <div className="max-w-56 font-mono text-xs break-all whitespace-normal text-slate-600">{filters}</div>
      ) : null}
    </div>
  );
}

function Status({ delivery, testId }: { delivery: SubscriptionDelivery; testId: string }) {
  return (
    <span
      data-testid={testId}
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_TONES[delivery.status]}`}
    >
      {delivery.status}
    </span>
  );
}

function Deliveries({ subscription }: { subscription: Subscription }) {
  const deliveries = useSubscriptionDeliveries(subscription.id);
  const rows = deliveries.data ?? [];
  const columns: Column<SubscriptionDelivery>[] = [
    { key: "when", header: "When", render: (row) => formatDateTime(row.sent_at ?? row.created_at) },
    {
      key: "trigger",
      header: "Trigger",
      render: (row) => <span data-testid={`report-delivery-trigger-${row.id}`}>{row.trigger.replace("_", " ")}</span>,
    },
    { key: "generation", header: "Generation", numeric: true, render: (row) => row.generation ?? "—" },
    {
      key: "status",
      header: "Status",
      render: (row) => <Status delivery={row} testId={`report-delivery-status-${row.id}`} />,
    },
    { key: "attempts", header: "Attempts", numeric: true, render: (row) => row.attempts },
    { key: "size", header: "Size", numeric: true, render: (row) => formatBytes(row.size_bytes) },
    {
      key: "error",
      header: "Error",
      render: (row) => <span data-testid={`report-delivery-error-${row.id}`}>{row.error || "—"}</span>,
    },
    {
      key: "file",
      header: <span className="sr-only">File</span>,
      render: (row) =>
        row.file_url ? (
          <a data-testid={`report-delivery-file-${row.id}`} className={smallButtonClass} href={row.file_url} download>
            Download
          </a>
        ) : null,
    },
  ];
  return (
    <Panel
      name="report-deliveries"
      title={`Deliveries of “${subscription.name}”`}
      subtitle="Newest first, the last 50; a file stays downloadable for a while after it is sent."
      state={panelState(deliveries, rows.length === 0)}
      error={deliveries.error}
      onRetry={() => void deliveries.refetch()}
      emptyMessage="Nothing delivered yet."
      skeleton="table"
    >
      <DataTable
        caption={`Deliveries of ${subscription.name}`}
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        rowTestId={(row) => `report-delivery-row-${row.id}`}
      />
    </Panel>
  );
}

/** The caller's scheduled reports: subscribe to a page or a question, send one now, pause
 * or resume, delete, and read what was delivered. */
export function ReportsPage() {
  const [search, setSearch] = useSearchParams();
  const me = useMe();
  // A table is an export, which the API leaves to analysts and admins; a viewer gets pages.
  const tables = me.data?.role !== "viewer";
  const subscriptions = useSubscriptions();
  const create = useCreateSubscription();
  const change = useChangeSubscription();
  const remove = useDeleteSubscription();
  const send = useSendSubscription();
  const [initial] = useState(() => prefilled(search));
  const [draft, setDraft] = useState<Draft>(initial);
  // Where the form was filled in from (a dashboard page's Subscribe), said above the form
  // until the link has served.
  const source =
    initial === EMPTY || search.size === 0
      ? null
      : initial.target === "page"
        ? `the ${reportPageLabel(initial.page)} page`
        : `the ${initial.question} table`;
  const [selected, setSelected] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  // Each target has its own formats: switching keeps the format when it still applies.
  const setTarget = (target: Target) => {
    const formats = FORMATS[target].map((item) => item.value);
    set({ target, format: formats.includes(draft.format) ? draft.format : (formats[0] ?? draft.format) });
  };

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(request(draft), {
      onSuccess: (subscription) => {
        setDraft(EMPTY);
        setSelected(subscription.id);
        // The prefilled link has served; a reload must not fill the form again.
        setSearch({}, { replace: true });
      },
    });
  };

  const rows = subscriptions.data ?? [];
  const shown = rows.find((row) => row.id === selected) ?? rows[0] ?? null;
  const createError = create.error instanceof ApiError ? create.error : null;
  const actionError = [change.error, remove.error, send.error].find((error) => error instanceof ApiError) as
    ApiError | undefined;

  const columns: Column<Subscription>[] = [
    {
      key: "name",
      header: "Name",
      render: (row) => (
        <button
          type="button"
          data-testid={`subscription-select-${row.id}`}
          className="text-left text-blue-800 underline-offset-2 hover:underline"
          onClick={() => setSelected(row.id)}
        >
          {row.name}
        </button>
      ),
    },
    { key: "what", header: "Report of", render: (row) => <ReportTarget subscription={row} /> },
    {
      key: "format",
      header: "Format",
      render: (row) => `${row.format.toUpperCase()}, ${row.delivery === "attach" ? "attached" : "as a link"}`,
    },
    {
      key: "schedule",
      header: "Schedule",
      render: (row) => (
        <span data-testid={`subscription-schedule-${row.id}`} className="inline-block max-w-52 whitespace-normal">
          {describeSchedule(row)}
        </span>
      ),
    },
    {
      key: "next",
      header: "Next run",
      render: (row) => (
        <span data-testid={`subscription-next-${row.id}`} className="inline-block max-w-40 whitespace-normal">
          {formatDateTimeIn(row.next_run_at, row.timezone)}
        </span>
      ),
    },
    {
      key: "last",
      header: "Last delivery",
      render: (row) =>
        row.last_delivery ? (
          <div className="flex flex-col gap-0.5">
            <span>
              <Status delivery={row.last_delivery} testId={`subscription-last-${row.id}`} />
            </span>
            <span className="text-xs text-slate-600">{formatDateTime(row.last_delivery.created_at)}</span>
            {row.last_delivery.error ? (
              <span
                data-testid={`subscription-last-error-${row.id}`}
                className="max-w-64 text-xs whitespace-normal text-red-800"
              >
                {row.last_delivery.error}
              </span>
            ) : null}
          </div>
        ) : (
          "—"
        ),
    },
    {
      key: "state",
      header: "State",
      render: (row) => (
        <span
          data-testid={`subscription-state-${row.id}`}
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${row.active ? "bg-emerald-100 text-emerald-900" : "bg-slate-200 text-slate-800"}`}
        >
          {row.active ? "Active" : "Paused"}
        </span>
      ),
    },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (row) => (
        <div className="grid grid-cols-2 gap-1">
          <button
            type="button"
            data-testid={`subscription-send-${row.id}`}
            className={smallButtonClass}
            disabled={send.isPending}
            onClick={() => {
              setSelected(row.id);
              send.mutate(row.id);
            }}
          >
            Send now
          </button>
          <button
            type="button"
            data-testid={`subscription-toggle-${row.id}`}
            className={smallButtonClass}
            disabled={change.isPending}
            onClick={() => change.mutate({ id: row.id, change: { active: !row.active } })}
          >
            {row.active ? "Pause" : "Resume"}
          </button>
          <a data-testid={`subscription-open-${row.id}`} className={smallButtonClass} href={row.dashboard_url}>
            Open
          </a>
          {confirming === row.id ? (
            <>
              <button
                type="button"
                data-testid={`subscription-delete-confirm-${row.id}`}
                className={dangerButtonClass}
                aria-label={`Delete ${row.name} and its deliveries for good`}
                onClick={() => {
                  setConfirming(null);
                  remove.mutate(row.id);
                }}
              >
                Really delete
              </button>
              <button
                type="button"
                data-testid={`subscription-delete-cancel-${row.id}`}
                className={smallButtonClass}
                onClick={() => setConfirming(null)}
              >
                Keep
              </button>
            </>
          ) : (
            <button
              type="button"
              data-testid={`subscription-delete-${row.id}`}
              className={dangerButtonClass}
              aria-label={`Delete ${row.name}`}
              onClick={() => setConfirming(row.id)}
            >
              Delete
            </button>
          )}
        </div>
      ),
    },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Reports"
        description="A page or a question's table emailed to you on a schedule or after each load, with the filters you chose and only the data you may read."
      />
      <TitledSection id="new-report-title" title="New report">
        {source ? (
          <p data-testid="report-prefilled" className="mt-1 text-sm text-slate-600">
            Filled in from {source} with its filters: name it, choose when, and subscribe.
          </p>
        ) : null}
        <form className="mt-3 flex flex-wrap items-end gap-3" onSubmit={onCreate} data-testid="report-form">
          <TextField
            id="report-name"
            label="Name"
            required
            maxLength={200}
            value={draft.name}
            onChange={(name) => set({ name })}
          />
          <SelectField
            id="report-target"
            label="Report of"
            value={draft.target}
            onChange={setTarget}
            choices={[
              { value: "page", label: "A dashboard page" },
              {
                value: "question",
                label: tables ? "A question's table" : "A question's table (analysts and admins)",
                disabled: !tables && draft.target !== "question",
              },
            ]}
          />
          {draft.target === "page" ? (
            <SelectField
              id="report-page"
              label="Page"
              value={draft.page}
              onChange={(page) => set({ page })}
              choices={REPORT_PAGES.map((page) => ({ value: page.path, label: page.label }))}
            />
          ) : (
            <SelectField
              id="report-question"
              label="Question"
              value={draft.question}
              onChange={(question) => set({ question })}
              choices={QUESTIONS}
            />
          )}
          <TextField
            id="report-params"
            label="Filters (query string)"
            placeholder="preset=30d&region=US"
            value={draft.params}
            onChange={(params) => set({ params })}
          />
          <SelectField
            id="report-format"
            label="Format"
            value={draft.format}
            onChange={(format) => set({ format })}
            choices={FORMATS[draft.target]}
          />
          <SelectField
            id="report-delivery"
            label="In the email"
            value={draft.delivery ?? "attach"}
            onChange={(delivery) => set({ delivery })}
            choices={DELIVERIES}
          />
          <SelectField
            id="report-schedule"
            label="Schedule"
            value={draft.schedule}
            onChange={(schedule) => set({ schedule })}
            choices={SCHEDULES}
          />
          {draft.schedule === "weekly" ? (
            <SelectField
              id="report-weekday"
              label="On"
              value={draft.weekday}
              onChange={(weekday) => set({ weekday })}
              choices={WEEKDAYS.map((day, index) => ({ value: String(index), label: day }))}
            />
          ) : null}
          {draft.schedule === "monthly" ? (
            <TextField
              id="report-day-of-month"
              label="Day of the month (1–31)"
              type="number"
              min={1}
              max={31}
              value={draft.dayOfMonth}
              onChange={(dayOfMonth) => set({ dayOfMonth })}
            />
          ) : null}
          {draft.schedule !== "after_load" ? (
            <>
              <TextField
                id="report-time"
                label="At"
                type="time"
                required
                value={draft.time}
                onChange={(time) => set({ time })}
              />
              <SelectField
                id="report-timezone"
                label="Time zone"
                value={draft.timezone}
                onChange={(timezone) => set({ timezone })}
                choices={ZONES}
              />
            </>
          ) : null}
          <button type="submit" data-testid="report-create" className={buttonClass} disabled={create.isPending}>
            {create.isPending ? "Subscribing…" : "Subscribe"}
          </button>
        </form>
        <p className="mt-2 text-sm text-slate-600" data-testid="report-schedule-words">
          {describeSchedule({
            schedule: draft.schedule,
            time: draft.time,
            timezone: draft.timezone,
            weekday: Number(draft.weekday),
            day_of_month: Number(draft.dayOfMonth),
          })}
          , to your email address.
        </p>
        {createError ? (
          <div role="alert" data-testid="report-create-error" className="mt-2 text-sm text-red-700">
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

      <Panel
        name="subscriptions-table"
        title="Your reports"
        subtitle="Delivered to you only, with the data you may read at the time of each delivery."
        state={panelState(subscriptions, rows.length === 0)}
        error={subscriptions.error}
        onRetry={() => void subscriptions.refetch()}
        emptyMessage="You have no reports yet."
        skeleton="table"
      >
        {actionError ? (
          <p role="alert" data-testid="subscription-action-error" className="mb-2 text-sm text-red-700">
            {Object.values(actionError.errors)[0]?.[0] ?? actionError.detail}
          </p>
        ) : null}
        <DataTable
          caption="Your reports"
          columns={columns}
          rows={rows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `subscription-row-${row.id}`}
          isRowSelected={(row) => row.id === shown?.id}
        />
      </Panel>
      {shown ? <Deliveries subscription={shown} /> : null}
    </div>
  );
}
