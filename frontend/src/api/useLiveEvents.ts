import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import {
  LiveConnection,
  liveEventsUrl,
  planForFrame,
  planForPoll,
  queryKeyTouched,
  type LivePlan,
  type LiveStatus,
} from "../lib/liveEvents";
import { FRESHNESS_KEY, useFreshness, type Freshness } from "./useFreshness";

function planRun(queryClient: QueryClient, plan: LivePlan): void {
  if (plan.kind === "everything") {
    void queryClient.invalidateQueries();
    return;
  }
  if (plan.kind !== "changed") return;
  const { frame } = plan;
  // The "as of" line moves at once; the rest of the freshness answer (loads, status) follows.
  queryClient.setQueryData<Freshness>(FRESHNESS_KEY, (old) =>
    old
      ? {
          ...old,
          generation: frame.generation,
          as_of: frame.as_of ?? old.as_of,
          published_at: frame.published_at ?? old.published_at,
        }
      : old,
  );
  void queryClient.invalidateQueries({ queryKey: FRESHNESS_KEY });
  void queryClient.invalidateQueries({ predicate: (query) => queryKeyTouched(query.queryKey, frame.changed) });
}

/** The layout's live updates, once per page: a socket to `/ws/events/` for the session's
 * workspace (`workspace` is its slug; no socket without one), whose frames refetch only the
 * answers a new generation changed, and the freshness query, polled only while the socket
 * is not open. Returns the freshness query and the connection's status. */
export function useLiveEvents({ workspace }: { workspace: string | null | undefined }) {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<{ workspace: string; status: LiveStatus } | null>(null);
  // No socket for a member of no workspace (null): the poll alone; until the user is known
  // (undefined) or the socket of this workspace reports, it is connecting.
  const status: LiveStatus =
    workspace === null
      ? "polling"
      : connection && connection.workspace === workspace
        ? connection.status
        : "connecting";
  const live = status === "live";
  const freshness = useFreshness({ live });
  // The generation the cached answers were last brought up to date with.
  const seen = useRef<number | null | undefined>(undefined);

  useEffect(() => {
    if (!workspace) return;
    const liveConnection = new LiveConnection({
      url: liveEventsUrl(
        window.location,
        document.querySelector('meta[name="folio-events-port"]')?.getAttribute("content") ?? null,
      ),
      openSocket: (url) => new WebSocket(url),
      onStatus: (next) => {
        setConnection({ workspace, status: next });
        // The server says this session may not listen: ask the API, whose 401 sends the
        // reader to the login form (useUnauthorizedRedirect); if it still answers, the
        // poll goes on as the fallback.
        if (next === "signed-out") void queryClient.invalidateQueries({ queryKey: FRESHNESS_KEY });
      },
      onFrame: (frame) => {
        const next = planForFrame(frame, seen.current);
        seen.current = next.seen;
        planRun(queryClient, next.plan);
      },
      isHidden: () => document.visibilityState === "hidden",
    });
    liveConnection.start();
    const onVisibility = () => liveConnection.visibilityChanged();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      liveConnection.stop();
    };
  }, [queryClient, workspace]);

  const generation = freshness.data?.generation;
  useEffect(() => {
    if (generation === undefined) return;
    const next = planForPoll(generation, seen.current, live);
    seen.current = next.seen;
    if (next.plan.kind === "everything") {
      void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== FRESHNESS_KEY[0] });
    }
  }, [generation, live, queryClient]);

  return { freshness, status };
}
