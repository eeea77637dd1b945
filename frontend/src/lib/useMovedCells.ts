import { useEffect, useState } from "react";
import { MOVED_HOLD_MS, movedCells, type CellSnapshot } from "./movedCells";

const NOTHING: ReadonlySet<string> = new Set();

interface Seen {
  signature?: string;
  snapshot?: CellSnapshot;
  moved: ReadonlySet<string>;
}

/** The ids of the cells that changed with the latest answer to the same question, for
 * MOVED_HOLD_MS. `scope` or `cells` undefined (no answer: loading after a filter change, a
 * workspace switch) forgets the snapshot, so the next answer is new, not moved; a question
 * refetched in the background keeps its answer meanwhile and is compared with it. */
export function useMovedCells(
  scope: string | undefined,
  cells: Readonly<Record<string, string>> | undefined,
): ReadonlySet<string> {
  const [seen, setSeen] = useState<Seen>({ moved: NOTHING });
  const signature = scope === undefined || cells === undefined ? undefined : `${scope}\u0000${JSON.stringify(cells)}`;
  if (signature !== seen.signature) {
    // Adjusting state while rendering (React's pattern for state derived from props): the
    // highlight shows in the same frame as the new value.
    const snapshot = scope === undefined || cells === undefined ? undefined : { scope, cells };
    const moved = snapshot ? movedCells(seen.snapshot, snapshot) : NOTHING;
    setSeen({ signature, snapshot, moved: moved.size > 0 ? moved : NOTHING });
  }
  useEffect(() => {
    if (seen.moved.size === 0) return;
    const timer = setTimeout(() => setSeen((current) => ({ ...current, moved: NOTHING })), MOVED_HOLD_MS);
    return () => clearTimeout(timer);
  }, [seen.moved]);
  return seen.moved;
}
