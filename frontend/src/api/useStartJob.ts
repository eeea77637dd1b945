import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";
import type { Job } from "./useJob";

type GenerateTestDataRequest = components["schemas"]["GenerateTestDataRequest"];
type SyncRequest = components["schemas"]["SyncRequestRequest"];

export type JobStart =
  { kind: "sync"; body: SyncRequest } | { kind: "generate-test-data"; body: GenerateTestDataRequest };

/** Starts a staff job: a warehouse sync (POST sync) or test data (POST generate-test-data);
 * both answer 202 with the job and the URL to poll. */
export function useStartJob() {
  return useMutation({
    mutationFn: (start: JobStart) =>
      start.kind === "sync"
        ? apiFetch<Job>("/api/analytics/sync", { method: "POST", body: start.body })
        : apiFetch<Job>("/api/analytics/generate-test-data", { method: "POST", body: start.body }),
  });
}
