/** The dashboard's side of the live event stream (`/ws/events/`, issue 13's contract): the
 * frames, the reconnection schedule, and which cached answers a published generation
 * changes. Pure logic, the socket constructor and visibility passed in, so the unit tests
 * drive it with a fake socket and fake timers instead of a server. */

export const LIVE_DOMAINS = ["sales", "ledger", "statement"] as const;
export type LiveDomain = (typeof LIVE_DOMAINS)[number];

/** The dates a domain's changed facts span, both days included; null is "any date". */
export interface ChangedRange {
  from: string | null;
  to: string | null;
}
export type ChangedDomains = Partial<Record<LiveDomain, ChangedRange>>;

export interface HelloFrame {
  type: "hello";
  generation: number | null;
  as_of: string | null;
  workspace: string | null;
}

export interface GenerationFrame {
  type: "generation";
  generation: number;
  as_of: string | null;
  published_at: string | null;
  /** null when the server's `changed` could not be read: then everything may have changed. */
  changed: ChangedDomains | null;
}

export type LiveFrame = HelloFrame | GenerationFrame;

/** "connecting" before the first socket opens, "live" while one is open, "polling" while
 * the fallback poll keeps the page current, "signed-out" once the server closed the socket
 * as unauthenticated (the API's own 401 then sends the reader to the login form). */
export type LiveStatus = "connecting" | "live" | "polling" | "signed-out";

export const BACKOFF_FIRST_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
/** A socket open this long counts as a working connection: the back-off starts over. A
 * server that accepts and drops at once (restarting, overloaded) keeps the back-off growing. */
export const STABLE_OPEN_MS = 10_000;
/** Close codes an events server may use for "not signed in" / "no longer allowed"; a refused
 * handshake (HTTP 403) cannot be told from a server that is down (the browser says 1006). */
export const SIGNED_OUT_CODES: ReadonlySet<number> = new Set([4401, 4403]);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function isoDayOrNull(value: unknown): string | null {
  return typeof value === "string" && ISO_DAY.test(value) ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function readChanged(value: unknown): ChangedDomains | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const changed: ChangedDomains = {};
  for (const domain of LIVE_DOMAINS) {
    const range = (value as Record<string, unknown>)[domain];
    if (range === undefined) continue;
    const bounds = typeof range === "object" && range !== null ? (range as Record<string, unknown>) : {};
    // A date that cannot be read is "any date": refetching too much is safe, too little is not.
    changed[domain] = { from: isoDayOrNull(bounds.from), to: isoDayOrNull(bounds.to) };
  }
  return changed;
}

/** A frame from the socket's text, or null for anything else (pings, future frame types). */
export function parseLiveFrame(text: unknown): LiveFrame | null {
  if (typeof text !== "string") return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const frame = data as Record<string, unknown>;
  if (frame.type === "hello") {
    return {
      type: "hello",
      generation: numberOrNull(frame.generation),
      as_of: stringOrNull(frame.as_of),
      workspace: stringOrNull(frame.workspace),
    };
  }
  const generation = numberOrNull(frame.generation);
  if (frame.type === "generation" && generation !== null) {
    return {
      type: "generation",
      generation,
      as_of: stringOrNull(frame.as_of),
      published_at: stringOrNull(frame.published_at),
      changed: readChanged(frame.changed),
    };
  }
  return null;
}

/** The wait before reconnection attempt `attempt` (0 for the first): a ceiling of 1 s
 * doubling up to 30 s, and a random point in its upper half, so that a thousand pages that
 * lost the same server do not all come back in the same millisecond. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** `ws://` or `wss://` on the page's own host, so the session cookie goes with it; on
 * another port of that host when the server names one (`<meta name="folio-events-port">`,
 * where the events server is published beside the web, as compose does). */
export function liveEventsUrl(
  location: { protocol: string; host: string; hostname: string },
  port: string | null = null,
): string {
  const host = port && /^\d{1,5}$/.test(port) ? `${location.hostname}:${port}` : location.host;
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${host}/ws/events/`;
}

/** What a cached analytics answer depends on: its domains and the dates it reads, `start`
 * included and `end` excluded (the API's half-open range), null for an open side. */
export interface QueryScope {
  domains: readonly LiveDomain[];
  start: string | null;
  end: string | null;
}

const EVERYTHING: QueryScope = { domains: LIVE_DOMAINS, start: null, end: null };
const SALES_ENDPOINTS = new Set(["summary", "timeseries", "top-books", "sales-by-region", "sales-by-genre"]);
// These compare with the period of equal length just before `start` (analytics/queries/
// summary.py and breakdown.py), so a sale in that earlier period changes their answer too.
const WITH_PREVIOUS_PERIOD = new Set(["summary", "sales-by-region", "sales-by-genre"]);

function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
}

function shiftDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function datedScope(domain: LiveDomain, query: Record<string, unknown>, withPrevious: boolean): QueryScope {
  // A missing bound is the API's default, derived from the data itself: a new fact can move
  // it, so that side stays open.
  const start = isoDayOrNull(query.start);
  const end = isoDayOrNull(query.end);
  if (!withPrevious || start === null) return { domains: [domain], start, end };
  return { domains: [domain], start: end === null ? null : shiftDays(start, -daysBetween(start, end)), end };
}

function exerciceScope(query: Record<string, unknown>): QueryScope {
  const years = String(query.exercice ?? "")
    .split(",")
    .map((year) => year.trim())
    .filter((year) => /^\d{4}$/.test(year))
    .map(Number);
  if (years.length === 0) return { domains: ["statement"], start: null, end: null };
  return {
    domains: ["statement"],
    start: `${Math.min(...years)}-01-01`,
    end: `${Math.max(...years) + 1}-01-01`,
  };
}

/** The scope of one analytics question, from its endpoint and parameters. An endpoint not
 * listed here depends on everything, so a new question is never left stale. */
export function analyticsScope(endpoint: string, query: object): QueryScope {
  const params = query as Record<string, unknown>;
  // The filter options list the codes and date bounds of all three domains.
  if (endpoint === "finance/initialise") return EVERYTHING;
  if (SALES_ENDPOINTS.has(endpoint)) return datedScope("sales", params, WITH_PREVIOUS_PERIOD.has(endpoint));
  if (endpoint.startsWith("finance/")) return datedScope("ledger", params, false);
  if (endpoint.startsWith("statement/")) return exerciceScope(params);
  return EVERYTHING;
}

function overlaps(scope: QueryScope, range: ChangedRange): boolean {
  const startsInTime = scope.start === null || range.to === null || scope.start <= range.to;
  const endsInTime = scope.end === null || range.from === null || range.from < scope.end;
  return startsInTime && endsInTime;
}

/** Whether a generation whose changes are `changed` can change an answer of this scope. */
export function scopeTouched(scope: QueryScope, changed: ChangedDomains | null): boolean {
  if (changed === null) return true;
  return scope.domains.some((domain) => {
    const range = changed[domain];
    return range !== undefined && overlaps(scope, range);
  });
}

function isQueryScope(value: unknown): value is QueryScope {
  if (typeof value !== "object" || value === null) return false;
  const scope = value as Record<string, unknown>;
  return Array.isArray(scope.domains) && "start" in scope && "end" in scope;
}

/** Whether the cached query with this key must be refetched after a generation frame: the
 * analytics answers (`["analytics", endpoint, query, scope]`) whose scope the change
 * touches. Other queries (the user, tokens, members, jobs) do not depend on a generation;
 * the freshness query is refreshed on its own. */
export function queryKeyTouched(queryKey: readonly unknown[], changed: ChangedDomains | null): boolean {
  if (queryKey[0] !== "analytics") return false;
  const scope = queryKey[3];
  return isQueryScope(scope) ? scopeTouched(scope, changed) : true;
}

/** What to do with the cache after a frame or a poll: nothing, refetch every answer, or
 * refetch the answers a generation frame names. */
export type LivePlan = { kind: "nothing" } | { kind: "everything" } | { kind: "changed"; frame: GenerationFrame };

/** The plan for one frame, given the generation the cache last caught up with (undefined
 * before any is known), and the generation to remember next. */
export function planForFrame(
  frame: LiveFrame,
  seen: number | null | undefined,
): { plan: LivePlan; seen: number | null | undefined } {
  if (frame.type === "hello") {
    // A page that saw another generation before (it reconnected after missing frames, or
    // its first answers came from an older one) cannot know what changed: refetch all.
    const stale = seen !== undefined && seen !== frame.generation;
    return { plan: stale ? { kind: "everything" } : { kind: "nothing" }, seen: frame.generation };
  }
  if (typeof seen === "number" && frame.generation <= seen) return { plan: { kind: "nothing" }, seen };
  return { plan: { kind: "changed", frame }, seen: frame.generation };
}

/** The plan when the freshness query answers `generation`. While the socket is live its
 * frames say what changed (a freshness answer may run ahead of its frame), so the poll only
 * acts as the fallback: a new generation then refetches every answer, as before issue 13. */
export function planForPoll(
  generation: number | null,
  seen: number | null | undefined,
  live: boolean,
): { plan: LivePlan; seen: number | null | undefined } {
  if (live) return { plan: { kind: "nothing" }, seen };
  const stale = seen !== undefined && seen !== generation;
  return { plan: stale ? { kind: "everything" } : { kind: "nothing" }, seen: generation };
}

/** The part of the browser's WebSocket the connection uses (a fake one in the tests). */
export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface LiveConnectionOptions {
  url: string;
  openSocket: (url: string) => SocketLike;
  onFrame: (frame: LiveFrame) => void;
  onStatus: (status: LiveStatus) => void;
  /** Whether the page is hidden: a hidden page waits until it is shown to reconnect. */
  isHidden?: () => boolean;
  random?: () => number;
}

/** One live connection: opens the socket, reports its status and frames, and reconnects
 * with back-off until stopped or told the reader is signed out. An open socket stays open
 * while the tab is hidden (one idle socket is cheap, and the page is current when shown);
 * a lost one is only retried once the tab is visible again, so a server restart is not
 * met by every background tab at once. */
export class LiveConnection {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private waitingForVisible = false;
  private status: LiveStatus | undefined;
  private readonly options: LiveConnectionOptions;

  constructor(options: LiveConnectionOptions) {
    this.options = options;
  }

  /** The number of failed attempts since the last stable connection (the next back-off step). */
  get failures(): number {
    return this.attempt;
  }

  start(): void {
    this.stopped = false;
    this.report("connecting");
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, "page closed");
    }
  }

  /** Call on `visibilitychange`: a page shown again reconnects at once if it was waiting. */
  visibilityChanged(): void {
    if (this.stopped || !this.waitingForVisible || this.options.isHidden?.()) return;
    this.waitingForVisible = false;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  private report(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(status);
  }

  private connect(): void {
    if (this.stopped) return;
    if (this.options.isHidden?.()) {
      this.waitingForVisible = true;
      return;
    }
    let socket: SocketLike;
    try {
      socket = this.options.openSocket(this.options.url);
    } catch {
      // e.g. a SecurityError for a blocked URL: the same as a socket that never opened.
      this.closed(1006);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.report("live");
      this.stableTimer = setTimeout(() => {
        this.attempt = 0;
      }, STABLE_OPEN_MS);
    };
    socket.onmessage = (event) => {
      const frame = parseLiveFrame(event.data);
      if (frame) this.options.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.closed(event.code);
    };
  }

  private closed(code: number): void {
    clearTimeout(this.stableTimer);
    if (this.stopped) return;
    if (SIGNED_OUT_CODES.has(code)) {
      this.report("signed-out");
      return;
    }
    this.report("polling");
    const delay = backoffDelay(this.attempt, this.options.random);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}
