import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type Subscription = components["schemas"]["Subscription"];
export type SubscriptionWrite = components["schemas"]["SubscriptionWriteRequest"];
export type SubscriptionChange = components["schemas"]["PatchedSubscriptionWriteRequest"];
export type SubscriptionDelivery = components["schemas"]["SubscriptionDelivery"];

const SUBSCRIPTIONS_URL = "/api/subscriptions/";
export const SUBSCRIPTIONS_KEY = ["subscriptions"] as const;

/** Whether a delivery may still change on its own (the worker has not finished with it). */
export function isUnderway(delivery: SubscriptionDelivery | null | undefined): boolean {
  return delivery?.status === "pending" || delivery?.status === "retrying";
}

// A queued delivery is rendered and emailed in seconds; polling until it settles shows its
// outcome without a reload, and stops as soon as nothing is underway.
const UNDERWAY_POLL_MS = 2_000;

/** The caller's subscriptions in the current workspace, by name, each with its last delivery. */
export function useSubscriptions() {
  return useQuery({
    queryKey: SUBSCRIPTIONS_KEY,
    queryFn: ({ signal }) => apiFetch<Subscription[]>(SUBSCRIPTIONS_URL, { signal }),
    refetchInterval: (query) =>
      query.state.data?.some((subscription) => isUnderway(subscription.last_delivery)) ? UNDERWAY_POLL_MS : false,
  });
}

/** A subscription's deliveries, newest first (the last 50); nothing without a subscription. */
export function useSubscriptionDeliveries(id: number | null) {
  return useQuery({
    queryKey: [...SUBSCRIPTIONS_KEY, id, "deliveries"],
    enabled: id !== null,
    queryFn: ({ signal }) => apiFetch<SubscriptionDelivery[]>(`${SUBSCRIPTIONS_URL}${id}/deliveries/`, { signal }),
    refetchInterval: (query) => (query.state.data?.some(isUnderway) ? UNDERWAY_POLL_MS : false),
  });
}

function useSubscriptionsMutation<Variables, Result>(mutationFn: (variables: Variables) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: SUBSCRIPTIONS_KEY }),
  });
}

/** Creates a subscription; a bad field comes back as an ApiError naming it. */
export function useCreateSubscription() {
  return useSubscriptionsMutation((request: SubscriptionWrite) =>
    apiFetch<Subscription>(SUBSCRIPTIONS_URL, { method: "POST", body: request }),
  );
}

/** Changes a subscription's fields (`active: false` pauses it, `true` resumes). */
export function useChangeSubscription() {
  return useSubscriptionsMutation(({ id, change }: { id: number; change: SubscriptionChange }) =>
    apiFetch<Subscription>(`${SUBSCRIPTIONS_URL}${id}/`, { method: "PATCH", body: change }),
  );
}

/** Deletes a subscription and its deliveries. */
export function useDeleteSubscription() {
  return useSubscriptionsMutation((id: number) => apiFetch<void>(`${SUBSCRIPTIONS_URL}${id}/`, { method: "DELETE" }));
}

/** Queues a delivery now (trigger "manual"), whatever the schedule. */
export function useSendSubscription() {
  return useSubscriptionsMutation((id: number) =>
    apiFetch<SubscriptionDelivery>(`${SUBSCRIPTIONS_URL}${id}/send/`, { method: "POST" }),
  );
}
