import { createContext, useContext } from "react";
import type { LiveStatus } from "../lib/liveEvents";

/** The live events connection's status, provided by the layout (which owns the socket) to
 * the pages, so that a page's own freshness query polls only while the socket is down. */
export const LiveStatusContext = createContext<LiveStatus>("connecting");

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
