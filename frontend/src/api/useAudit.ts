import { useInfiniteQuery } from "@tanstack/react-query";
import { apiFetch } from "./apiFetch";
import type { components } from "./schema";

export type AuditEntry = components["schemas"]["AuditEntry"];

/** What the History page filters the audit trail by (empty strings are left out). */
export interface AuditFilters {
  since: string;
  until: string;
  actor: string;
  action: string;
  model: string;
  via: string;
}

interface AuditPage {
  next: string | null;
  results: AuditEntry[];
}

/** The query string of the filters that are set. */
export function auditQuery(filters: AuditFilters): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value.trim()) query.set(name, value.trim());
  }
  return query.toString();
}

/** The workspace's audit trail, newest first, a page at a time (workspace admins only). */
export function useAudit(filters: AuditFilters) {
  const query = auditQuery(filters);
  return useInfiniteQuery({
    queryKey: ["audit", query],
    initialPageParam: `/api/audit/${query ? `?${query}` : ""}`,
    queryFn: ({ pageParam, signal }) => apiFetch<AuditPage>(pageParam, { signal }),
    getNextPageParam: (page) => {
      if (!page.next) return undefined;
      const next = new URL(page.next, window.location.origin);
      return `${next.pathname}${next.search}`;
    },
  });
}
