import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type Webhook = components["schemas"]["Webhook"];
export type WebhookCreated = components["schemas"]["WebhookCreated"];
export type Delivery = components["schemas"]["Delivery"];
export type DeliveryPage = components["schemas"]["DeliveryPage"];
export type EventKind = components["schemas"]["EventKind"];

const WEBHOOKS_URL = "/api/webhooks/";
export const WEBHOOKS_KEY = ["webhooks"] as const;

/** The current workspace's webhooks (admins only; secrets are never listed). */
export function useWebhooks() {
  return useQuery({
    queryKey: WEBHOOKS_KEY,
    queryFn: ({ signal }) => apiFetch<Webhook[]>(WEBHOOKS_URL, { signal }),
  });
}

/** The events a webhook may subscribe to, with their descriptions. */
export function useWebhookEvents() {
  return useQuery({
    queryKey: [...WEBHOOKS_KEY, "events"],
    queryFn: ({ signal }) => apiFetch<EventKind[]>(`${WEBHOOKS_URL}events/`, { signal }),
    staleTime: Infinity,
  });
}

/** A webhook's latest deliveries; polled every 2 s while one is still pending. */
export function useDeliveries(webhookId: number | null) {
  return useQuery({
    queryKey: [...WEBHOOKS_KEY, webhookId, "deliveries"],
    enabled: webhookId !== null,
    queryFn: ({ signal }) => apiFetch<DeliveryPage>(`${WEBHOOKS_URL}${webhookId}/deliveries/`, { signal }),
    refetchInterval: (query) =>
      query.state.data?.results.some((delivery) => delivery.status === "pending") ? 2_000 : false,
  });
}

function useWebhooksMutation<Variables, Result>(mutationFn: (variables: Variables) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
    },
  });
}

/** Registers a webhook; the answer carries its secret, shown this once. */
export function useCreateWebhook() {
  return useWebhooksMutation((request: { url: string; events: string[] }) =>
    apiFetch<WebhookCreated>(WEBHOOKS_URL, { method: "POST", body: request }),
  );
}

/** Pauses (active false) or resumes a webhook. */
export function useSetWebhookActive() {
  return useWebhooksMutation(({ id, active }: { id: number; active: boolean }) =>
    apiFetch<Webhook>(`${WEBHOOKS_URL}${id}/`, { method: "PATCH", body: { active } }),
  );
}

/** Deletes a webhook and its delivery log. */
export function useDeleteWebhook() {
  return useWebhooksMutation((id: number) => apiFetch<void>(`${WEBHOOKS_URL}${id}/`, { method: "DELETE" }));
}

/** Queues a webhook.test delivery. */
export function useTestWebhook() {
  return useWebhooksMutation((id: number) => apiFetch<Delivery>(`${WEBHOOKS_URL}${id}/test/`, { method: "POST" }));
}
