import { useState, type FormEvent } from "react";
import { ApiError } from "../api/ApiError";
import {
  useAddMember,
  useChangeMember,
  useInvitations,
  useMembers,
  useRemoveMember,
  useWithdrawInvitation,
  type Invitation,
  type Member,
  type Role,
} from "../api/useMembers";
import { useMe } from "../api/useMe";
import { DataTable, type Column } from "../components/DataTable";
import { PageHeader } from "../components/PageHeader";
import { Panel } from "../components/Panel";
import { formatDateTime } from "../lib/formatDate";
import { panelState } from "../lib/panelState";
import { TitledSection } from "../components/TitledSection";

const ROLES: readonly Role[] = ["viewer", "analyst", "admin"];
const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600";
const buttonClass =
  "rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60";
const dangerClass =
  "rounded-md border border-red-300 px-2 py-1 text-xs font-medium text-red-800 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700";

function limitsOf(member: Member): string {
  const parts = [];
  if (member.regions.length) parts.push(`regions ${member.regions.join(", ")}`);
  if (member.departments.length) parts.push(`departments ${member.departments.join(", ")}`);
  return parts.length ? parts.join("; ") : "all rows";
}

/** The workspace's members, their roles and limits, and invitations (for its admins). */
export function MembersPage() {
  const me = useMe();
  const members = useMembers();
  const invitations = useInvitations();
  const add = useAddMember();
  const change = useChangeMember();
  const remove = useRemoveMember();
  const withdraw = useWithdrawInvitation();
  const [who, setWho] = useState("");
  const [role, setRole] = useState<Role>("viewer");

  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    const value = who.trim();
    const target = value.includes("@") ? { email: value } : { username: value };
    add.mutate({ ...target, role }, { onSuccess: () => setWho("") });
  };

  const failure = [add, change, remove, withdraw]
    .map((mutation) => mutation.error)
    .find((error) => error instanceof ApiError);
  const memberRows = members.data ?? [];
  const invitationRows = invitations.data ?? [];

  const memberColumns: Column<Member>[] = [
    { key: "username", header: "User", render: (row) => row.username },
    { key: "email", header: "Email", render: (row) => row.email || "–" },
    {
      key: "role",
      header: "Role",
      render: (row) => (
        <select
          data-testid={`member-role-${row.username}`}
          aria-label={`Role of ${row.username}`}
          className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          value={row.role}
          disabled={change.isPending}
          onChange={(event) => change.mutate({ id: row.id, role: event.target.value as Role })}
        >
          {ROLES.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      ),
    },
    { key: "limits", header: "Sees", render: limitsOf },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (row) =>
        row.username === me.data?.username ? null : (
          <button
            type="button"
            data-testid={`member-remove-${row.username}`}
            className={dangerClass}
            onClick={() => remove.mutate(row.id)}
            aria-label={`Remove ${row.username}`}
          >
            Remove
          </button>
        ),
    },
  ];
  const invitationColumns: Column<Invitation>[] = [
    { key: "email", header: "Email", render: (row) => row.email },
    { key: "role", header: "Role", render: (row) => row.role },
    { key: "created", header: "Invited", render: (row) => formatDateTime(row.created_at) },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (row) => (
        <button
          type="button"
          data-testid={`invitation-withdraw-${row.id}`}
          className={dangerClass}
          onClick={() => withdraw.mutate(row.id)}
          aria-label={`Withdraw the invitation of ${row.email}`}
        >
          Withdraw
        </button>
      ),
    },
  ];

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Members"
        description="Who may see this workspace, and in what role: viewers read, analysts also export, import and sync, admins also manage members and tokens."
      />
      <TitledSection id="add-member-title" title="Add a member">
        <p className="mt-1 text-sm text-slate-600">
          A username adds an existing Folio user; an email address invites someone who will sign in with single sign-on.
        </p>
        <form className="mt-3 flex flex-wrap items-end gap-3" onSubmit={onAdd}>
          <div className="w-72">
            <label htmlFor="member-who" className="block text-xs font-medium text-slate-700">
              Username or email
            </label>
            <input
              id="member-who"
              data-testid="member-who"
              required
              className={inputClass}
              value={who}
              onChange={(event) => setWho(event.target.value)}
            />
          </div>
          <div className="w-36">
            <label htmlFor="member-role" className="block text-xs font-medium text-slate-700">
              Role
            </label>
            <select
              id="member-role"
              data-testid="member-role"
              className={inputClass}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
            >
              {ROLES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" data-testid="member-add" className={buttonClass} disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add"}
          </button>
        </form>
        {failure instanceof ApiError ? (
          <p role="alert" data-testid="members-error" className="mt-2 text-sm text-red-700">
            {failure.detail}
          </p>
        ) : null}
      </TitledSection>
      <Panel
        name="members-table"
        title="Members"
        state={panelState(members, memberRows.length === 0)}
        error={members.error}
        onRetry={() => void members.refetch()}
        emptyMessage="This workspace has no members."
        skeleton="table"
      >
        <DataTable
          caption="Members of this workspace"
          columns={memberColumns}
          rows={memberRows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `member-row-${row.username}`}
        />
      </Panel>
      <Panel
        name="invitations-table"
        title="Pending invitations"
        state={panelState(invitations, invitationRows.length === 0)}
        error={invitations.error}
        onRetry={() => void invitations.refetch()}
        emptyMessage="No pending invitations."
        skeleton="table"
      >
        <DataTable
          caption="Pending invitations"
          columns={invitationColumns}
          rows={invitationRows}
          rowKey={(row) => row.id}
          rowTestId={(row) => `invitation-row-${row.email}`}
        />
      </Panel>
    </div>
  );
}
