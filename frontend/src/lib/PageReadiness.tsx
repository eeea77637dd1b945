import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { useLocation } from "react-router";

export type PanelState = "loading" | "ready" | "empty" | "error";

type Report = (name: string, state: PanelState | null) => void;

const ReadinessContext = createContext<Report>(() => undefined);

function settled(state: PanelState): boolean {
  return state === "ready" || state === "empty";
}

/** Collects the state of every panel on the page and sets document.body.dataset.ready to
 * "true" once all of them are drawn (ready or empty), "false" otherwise, so a benchmark or
 * a browser test can tell when the page is fully drawn. */
export function PageReadinessProvider({ children }: { children: ReactNode }) {
  const states = useRef(new Map<string, PanelState>());
  const frame = useRef(0);

  const publish = useCallback(() => {
    cancelAnimationFrame(frame.current);
    const values = [...states.current.values()];
    const ready = values.length > 0 && values.every(settled);
    if (!ready) {
      document.body.dataset.ready = "false";
      return;
    }
    // Two frames: the charts measure their container and draw in the frame after data arrives.
    frame.current = requestAnimationFrame(() => {
      frame.current = requestAnimationFrame(() => {
        const still = [...states.current.values()];
        document.body.dataset.ready = String(still.length > 0 && still.every(settled));
      });
    });
  }, []);

  const report = useCallback<Report>(
    (name, state) => {
      if (state === null) states.current.delete(name);
      else states.current.set(name, state);
      publish();
    },
    [publish],
  );

  // A new URL whose answers are all cached changes no panel's state: judge the page again.
  const location = useLocation();
  useEffect(() => publish(), [location, publish]);

  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      document.body.dataset.ready = "false";
    },
    [],
  );

  return <ReadinessContext.Provider value={report}>{children}</ReadinessContext.Provider>;
}

/** Reports a panel's state to the page while it is shown. Layout effects, because React
 * cleans those up when it hides a page that suspends (the next page's code still loading)
 * but keeps it mounted: a hidden panel must not count as drawn. */
export function usePanelReadiness(name: string, state: PanelState): void {
  const report = useContext(ReadinessContext);
  useLayoutEffect(() => {
    report(name, state);
  }, [name, state, report]);
  useLayoutEffect(() => () => report(name, null), [name, report]);
}
