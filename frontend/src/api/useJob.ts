import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type Job = components["schemas"]["Job"];

const FINISHED: ReadonlySet<Job["status"]> = new Set(["succeeded", "failed"]);

/** A background job, polled every second at its status URL until it has finished. */
export function useJob(statusUrl: string | null) {
  return useQuery({
    queryKey: ["job", statusUrl],
    queryFn: ({ signal }) => apiFetch<Job>(statusUrl ?? "", { signal }),
    enabled: statusUrl !== null,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 1000),
  });
}

export function jobFinished(job: Job | undefined): boolean {
  return job !== undefined && FINISHED.has(job.status);
}
