import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type Member = components["schemas"]["Member"];
export type Invitation = components["schemas"]["Invitation"];
export type Role = Member["role"];

const MEMBERS_URL = "/api/workspaces/current/members/";
const INVITATIONS_URL = "/api/workspaces/current/invitations/";
export const MEMBERS_KEY = ["workspace", "members"] as const;
export const INVITATIONS_KEY = ["workspace", "invitations"] as const;

/** The current workspace's members with their roles and row limits (admins only). */
export function useMembers() {
  return useQuery({
    queryKey: MEMBERS_KEY,
    queryFn: ({ signal }) => apiFetch<Member[]>(MEMBERS_URL, { signal }),
  });
}

/** The current workspace's pending invitations (admins only). */
export function useInvitations() {
  return useQuery({
    queryKey: INVITATIONS_KEY,
    queryFn: ({ signal }) => apiFetch<Invitation[]>(INVITATIONS_URL, { signal }),
  });
}

function useMembersMutation<Variables>(mutationFn: (variables: Variables) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: MEMBERS_KEY });
      await queryClient.invalidateQueries({ queryKey: INVITATIONS_KEY });
    },
  });
}

/** Adds an existing user by username, or invites an email address, with a role. */
export function useAddMember() {
  return useMembersMutation((request: { username?: string; email?: string; role: Role }) =>
    apiFetch<unknown>(MEMBERS_URL, { method: "POST", body: request }),
  );
}

/** Changes a member's role (and row limits when given). */
export function useChangeMember() {
  return useMembersMutation(({ id, ...change }: { id: number; role: Role }) =>
    apiFetch<Member>(`${MEMBERS_URL}${id}/`, { method: "PATCH", body: change }),
  );
}

/** Removes a member from the workspace. */
export function useRemoveMember() {
  return useMembersMutation((id: number) => apiFetch<void>(`${MEMBERS_URL}${id}/`, { method: "DELETE" }));
}

/** Withdraws a pending invitation. */
export function useWithdrawInvitation() {
  return useMembersMutation((id: number) => apiFetch<void>(`${INVITATIONS_URL}${id}/`, { method: "DELETE" }));
}
