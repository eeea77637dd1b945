import { Suspense, useRef } from "react";
import { Outlet } from "react-router";
import { useFilterOptions } from "../api/useFilterOptions";
import { LiveStatusContext } from "../api/liveStatus";
import { useLiveEvents } from "../api/useLiveEvents";
import { useMe } from "../api/useMe";
import { PageReadinessProvider } from "../lib/PageReadiness";
import { useUnauthorizedRedirect } from "../lib/useUnauthorizedRedirect";
import { ExportPdfButton } from "./ExportPdfButton";
import { FreshnessBadge } from "./FreshnessBadge";
import { SubscribeButton } from "./SubscribeButton";
import { TopNav } from "./TopNav";

/** Every signed-in page: navigation, freshness with its live updates, PDF export, a report
 * subscription of the dashboard pages, and the page itself. */
export function AppLayout() {
  useUnauthorizedRedirect();
  const me = useMe();
  // The socket follows the session's workspace: a switch reconnects to the new one's events.
  const { freshness, status } = useLiveEvents({
    workspace: me.data === undefined ? undefined : (me.data.workspace?.slug ?? null),
  });
  // Asked for here, while the page's own code still loads: date presets need its bounds
  // before the page can ask its questions.
  useFilterOptions();
  const main = useRef<HTMLElement>(null);
  return (
    <LiveStatusContext value={status}>
      <PageReadinessProvider>
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-blue-800"
        >
          Skip to content
        </a>
        <TopNav user={me.data} />
        <main id="main" ref={main} className="mx-auto flex max-w-[1440px] flex-col gap-4 bg-slate-50 px-4 py-4">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <FreshnessBadge freshness={freshness} live={status} />
            <div className="flex items-center gap-2">
              <SubscribeButton />
              <ExportPdfButton target={main} />
            </div>
          </div>
          <Suspense
            fallback={
              <div
                className="h-64 animate-pulse rounded-xl bg-slate-200"
                aria-busy="true"
                aria-label="Loading the page"
              />
            }
          >
            <Outlet />
          </Suspense>
        </main>
      </PageReadinessProvider>
    </LiveStatusContext>
  );
}
