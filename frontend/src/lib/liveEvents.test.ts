import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  analyticsScope,
  backoffDelay,
  LiveConnection,
  liveEventsUrl,
  parseLiveFrame,
  planForFrame,
  planForPoll,
  queryKeyTouched,
  STABLE_OPEN_MS,
  type ChangedDomains,
  type GenerationFrame,
  type LiveFrame,
  type LiveStatus,
  type SocketLike,
} from "./liveEvents";

/** A stand-in for the browser's WebSocket: the test opens, sends and closes it by hand. */
class FakeSocket implements SocketLike {
  static opened: FakeSocket[] = [];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  closedWith: number | undefined;
  readonly url: string;

  constructor(url: string) {
    this.url = url;
    FakeSocket.opened.push(this);
  }

  close(code?: number): void {
    this.closedWith = code;
  }

  serverAccepts(): void {
    this.onopen?.({} as Event);
  }

  serverSends(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }

  serverCloses(code: number): void {
    this.onclose?.({ code } as CloseEvent);
  }
}

function latestSocket(): FakeSocket {
  const socket = FakeSocket.opened.at(-1);
  if (!socket) throw new Error("no socket was opened");
  return socket;
}

/** A connection with fake sockets, no jitter (the upper end of each step), and what it reports. */
function connection({ hidden = () => false }: { hidden?: () => boolean } = {}) {
  const statuses: LiveStatus[] = [];
  const frames: LiveFrame[] = [];
  const live = new LiveConnection({
    url: "ws://folio.test/ws/events/",
    openSocket: (url) => new FakeSocket(url),
    onStatus: (status) => statuses.push(status),
    onFrame: (frame) => frames.push(frame),
    isHidden: hidden,
    random: () => 1,
  });
  return { live, statuses, frames };
}

/** The delays between the connection's attempts while every socket fails at once. */
function retryDelays(count: number): number[] {
  const delays: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const before = FakeSocket.opened.length;
    latestSocket().serverCloses(1006);
    let waited = 0;
    while (FakeSocket.opened.length === before) {
      vi.advanceTimersByTime(100);
      waited += 100;
    }
    delays.push(waited);
  }
  return delays;
}

describe("backoffDelay", () => {
  test("doubles from 1 s up to 30 s, then stays at 30 s", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffDelay(attempt, () => 1));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  test("jitter picks a point in the upper half of the step", () => {
    expect(backoffDelay(3, () => 0)).toBe(4_000);
    expect(backoffDelay(3, () => 0.5)).toBe(6_000);
    expect(backoffDelay(9, () => 0)).toBe(15_000);
  });
});

describe("LiveConnection", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.opened = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("connects to the events URL, reports live when open and passes the frames on", () => {
    const { live, statuses, frames } = connection();
    live.start();
    latestSocket().serverAccepts();
    latestSocket().serverSends({ type: "hello", generation: 42, as_of: null, workspace: "default" });
    latestSocket().serverSends({ type: "pong" });
    expect(latestSocket().url).toBe("ws://folio.test/ws/events/");
    expect(statuses).toEqual(["connecting", "live"]);
    expect(frames).toEqual([{ type: "hello", generation: 42, as_of: null, workspace: "default" }]);
  });

  test("a server that stays down is retried after 1, 2, 4, 8, 16, 30 and 30 s", () => {
    const { live, statuses } = connection();
    live.start();
    expect(retryDelays(7)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(live.failures).toBe(7);
    expect(statuses).toEqual(["connecting", "polling"]);
  });

  test("a connection that stays open starts the back-off over", () => {
    const { live, statuses } = connection();
    live.start();
    retryDelays(3);
    latestSocket().serverAccepts();
    vi.advanceTimersByTime(STABLE_OPEN_MS);
    expect(retryDelays(1)).toEqual([1_000]);
    expect(statuses).toEqual(["connecting", "polling", "live", "polling"]);
  });

  test("a server that accepts and drops at once keeps the back-off growing", () => {
    const { live } = connection();
    live.start();
    retryDelays(3);
    latestSocket().serverAccepts();
    vi.advanceTimersByTime(STABLE_OPEN_MS - 1_000);
    expect(retryDelays(1)).toEqual([8_000]);
  });

  test("a close saying signed out stops reconnecting", () => {
    const { live, statuses } = connection();
    live.start();
    latestSocket().serverAccepts();
    latestSocket().serverCloses(4401);
    vi.advanceTimersByTime(120_000);
    expect(FakeSocket.opened).toHaveLength(1);
    expect(statuses).toEqual(["connecting", "live", "signed-out"]);
  });

  test("stop closes the socket and nothing reconnects", () => {
    const { live, statuses } = connection();
    live.start();
    latestSocket().serverAccepts();
    live.stop();
    vi.advanceTimersByTime(120_000);
    expect(latestSocket().closedWith).toBe(1000);
    expect(FakeSocket.opened).toHaveLength(1);
    expect(statuses).toEqual(["connecting", "live"]);
  });

  test("a hidden page waits until it is shown to reconnect, then reconnects at once", () => {
    let hidden = false;
    const { live } = connection({ hidden: () => hidden });
    live.start();
    latestSocket().serverAccepts();
    hidden = true;
    latestSocket().serverCloses(1012);
    vi.advanceTimersByTime(120_000);
    expect(FakeSocket.opened).toHaveLength(1);
    hidden = false;
    live.visibilityChanged();
    expect(FakeSocket.opened).toHaveLength(2);
  });
});

describe("parseLiveFrame", () => {
  test("reads a generation frame, an unreadable date meaning any date", () => {
    const text = JSON.stringify({
      type: "generation",
      generation: 43,
      as_of: "2026-12-07T04:00:00+00:00",
      published_at: "2026-12-07T04:00:01+00:00",
      changed: { sales: { from: "2025-01-02", to: "2025-12-31" }, ledger: { from: "soon", to: null } },
    });
    expect(parseLiveFrame(text)).toEqual({
      type: "generation",
      generation: 43,
      as_of: "2026-12-07T04:00:00+00:00",
      published_at: "2026-12-07T04:00:01+00:00",
      changed: { sales: { from: "2025-01-02", to: "2025-12-31" }, ledger: { from: null, to: null } },
    });
  });

  test.each(["not json", "42", JSON.stringify({ type: "generation" }), JSON.stringify({ type: "ping" })])(
    "ignores %s",
    (text) => {
      expect(parseLiveFrame(text)).toBeNull();
    },
  );
});

test("the events URL is on the page's host, wss behind https", () => {
  expect(liveEventsUrl({ protocol: "https:", host: "folio.example.org", hostname: "folio.example.org" })).toBe(
    "wss://folio.example.org/ws/events/",
  );
  expect(liveEventsUrl({ protocol: "http:", host: "127.0.0.1:8000", hostname: "127.0.0.1" })).toBe(
    "ws://127.0.0.1:8000/ws/events/",
  );
});

test("a port named by the server moves the socket to that port of the same host", () => {
  const page = { protocol: "http:", host: "folio.lan:8000", hostname: "folio.lan" };
  expect(liveEventsUrl(page, "8001")).toBe("ws://folio.lan:8001/ws/events/");
  expect(liveEventsUrl({ protocol: "http:", host: "[::1]:8000", hostname: "[::1]" }, "8001")).toBe(
    "ws://[::1]:8001/ws/events/",
  );
  // Anything but a port number is ignored: the page's own origin.
  expect(liveEventsUrl(page, "8001/evil")).toBe("ws://folio.lan:8000/ws/events/");
});

describe("which cached answers a generation refetches", () => {
  const key = (endpoint: string, query: object) => ["analytics", endpoint, query, analyticsScope(endpoint, query)];
  const year2025 = { start: "2025-01-01", end: "2026-01-01" };
  const cached = {
    summary2025: key("summary", year2025),
    timeseries2024: key("timeseries", { start: "2024-01-01", end: "2025-01-01", granularity: "month" }),
    topBooksAll: key("top-books", { limit: 10 }),
    topBooksFromJuly: key("top-books", { start: "2025-07-01", limit: 10 }),
    regions2025: key("sales-by-region", year2025),
    filterOptions: key("finance/initialise", {}),
    roi2025: key("finance/top-roi", { ...year2025, limit: 100 }),
    statement2024: key("statement/profit", { exercice: "2024" }),
    statementAll: key("statement/profit", {}),
    freshness: ["freshness"],
    me: ["auth", "me"],
    tokens: ["tokens"],
  };
  const touched = (changed: ChangedDomains | null) =>
    Object.entries(cached)
      .filter(([, queryKey]) => queryKeyTouched(queryKey, changed))
      .map(([name]) => name);

  test("sales in March 2025: the sales answers over March 2025 and the filter options", () => {
    expect(touched({ sales: { from: "2025-03-02", to: "2025-03-02" } })).toEqual([
      "summary2025",
      "topBooksAll",
      "regions2025",
      "filterOptions",
    ]);
  });

  test("a sale in December 2024 changes the 2025 summary and breakdown: their previous period", () => {
    expect(touched({ sales: { from: "2024-12-31", to: "2024-12-31" } })).toEqual([
      "summary2025",
      "timeseries2024",
      "topBooksAll",
      "regions2025",
      "filterOptions",
    ]);
  });

  test("the end of a range is excluded, its start included", () => {
    expect(queryKeyTouched(cached.timeseries2024, { sales: { from: "2025-01-01", to: "2025-02-01" } })).toBe(false);
    expect(queryKeyTouched(cached.topBooksFromJuly, { sales: { from: "2025-06-01", to: "2025-07-01" } })).toBe(true);
    expect(queryKeyTouched(cached.topBooksFromJuly, { sales: { from: "2025-06-01", to: "2025-06-30" } })).toBe(false);
  });

  test("null dates are any date: every answer of the domain", () => {
    expect(touched({ ledger: { from: null, to: null } })).toEqual(["filterOptions", "roi2025"]);
    expect(touched({ sales: { from: "2025-12-01", to: null } })).toEqual([
      "summary2025",
      "topBooksAll",
      "topBooksFromJuly",
      "regions2025",
      "filterOptions",
    ]);
  });

  test("statement lines of an exercice: that exercice's answers and those of every exercice", () => {
    expect(touched({ statement: { from: "2024-01-01", to: "2024-12-31" } })).toEqual([
      "filterOptions",
      "statement2024",
      "statementAll",
    ]);
    expect(touched({ statement: { from: "2023-01-01", to: "2023-12-31" } })).toEqual(["filterOptions", "statementAll"]);
  });

  test("a change the client cannot read refetches every analytics answer, nothing else", () => {
    expect(touched(null)).toEqual(Object.keys(cached).filter((name) => name.match(/^(?!freshness|me|tokens)/)));
  });

  test("an endpoint the map does not know depends on every domain", () => {
    expect(queryKeyTouched(key("new-question", { start: "2020-01-01" }), { statement: { from: null, to: null } })).toBe(
      true,
    );
  });
});

describe("planForFrame and planForPoll", () => {
  const generation = (number: number): GenerationFrame => ({
    type: "generation",
    generation: number,
    as_of: null,
    published_at: null,
    changed: { sales: { from: null, to: null } },
  });
  const hello = (number: number | null): LiveFrame => ({
    type: "hello",
    generation: number,
    as_of: null,
    workspace: "x",
  });

  test("the first hello of a page that knew no generation refetches nothing", () => {
    expect(planForFrame(hello(42), undefined)).toEqual({ plan: { kind: "nothing" }, seen: 42 });
  });

  test("a hello after a reconnect with the same generation refetches nothing", () => {
    expect(planForFrame(hello(42), 42)).toEqual({ plan: { kind: "nothing" }, seen: 42 });
  });

  test("a hello after a reconnect with another generation refetches everything", () => {
    expect(planForFrame(hello(44), 42)).toEqual({ plan: { kind: "everything" }, seen: 44 });
    expect(planForFrame(hello(1), null)).toEqual({ plan: { kind: "everything" }, seen: 1 });
  });

  test("a new generation refetches what it changed; one already seen, nothing", () => {
    expect(planForFrame(generation(43), 42)).toEqual({ plan: { kind: "changed", frame: generation(43) }, seen: 43 });
    expect(planForFrame(generation(43), 43)).toEqual({ plan: { kind: "nothing" }, seen: 43 });
  });

  test("while live the poll leaves the work to the frames; while polling a new generation refetches all", () => {
    expect(planForPoll(44, 43, true)).toEqual({ plan: { kind: "nothing" }, seen: 43 });
    expect(planForPoll(44, 43, false)).toEqual({ plan: { kind: "everything" }, seen: 44 });
    expect(planForPoll(43, undefined, false)).toEqual({ plan: { kind: "nothing" }, seen: 43 });
  });
});
