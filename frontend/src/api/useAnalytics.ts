import { useQuery } from "@tanstack/react-query";
import { analyticsScope } from "../lib/liveEvents";
import { analyticsUrl } from "./analyticsUrl";
import { apiFetch } from "./apiFetch";
import type { paths } from "./schema";

type AnalyticsPath = Extract<keyof paths, `/api/analytics/${string}`>;

type JsonOf<Operation> = Operation extends { responses: { 200: { content: { "application/json": infer Body } } } }
  ? Body
  : never;

/** Every analytics GET endpoint without path parameters, named as after /api/analytics/. */
export type AnalyticsEndpoint = {
  [P in AnalyticsPath]: P extends `/api/analytics/${infer Name}`
    ? Name extends `${string}{${string}`
      ? never
      : JsonOf<paths[P]["get"]> extends never
        ? never
        : Name
    : never;
}[AnalyticsPath];

type OperationOf<E extends AnalyticsEndpoint> = paths[`/api/analytics/${E}`]["get"];

/** The JSON answer of an endpoint, as the OpenAPI schema declares it. */
export type AnalyticsResponse<E extends AnalyticsEndpoint> = JsonOf<OperationOf<E>>;

/** The query parameters an endpoint accepts (but `format`, which asks for a download). */
export type AnalyticsQuery<E extends AnalyticsEndpoint> = Omit<
  NonNullable<OperationOf<E> extends { parameters: { query?: infer Q } } ? Q : never>,
  "format"
>;

/** The cache key of an analytics answer. Its last part, the domains and dates the answer
 * reads, lets a live generation frame refetch only the answers it changed (useLiveEvents);
 * it follows from the endpoint and parameters, so it never splits one question in two. */
export function analyticsQueryKey(endpoint: string, query: object) {
  return ["analytics", endpoint, query, analyticsScope(endpoint, query)] as const;
}

/** One analytics answer for the given parameters; `enabled: false` waits (e.g. until a
 * date preset can be resolved), which panels show as loading. */
export function useAnalytics<E extends AnalyticsEndpoint>(
  endpoint: E,
  query: AnalyticsQuery<E>,
  options: { enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: analyticsQueryKey(endpoint, query),
    queryFn: ({ signal }) => apiFetch<AnalyticsResponse<E>>(analyticsUrl(endpoint, query), { signal }),
    enabled: options.enabled ?? true,
  });
}
