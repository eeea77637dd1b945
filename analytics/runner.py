"""The one place analytics answers are cached (views and the cache-warming task call it).

The cache key holds the endpoint, the normalized parameters, the caller's data scope (its
workspace and row limits, `Scope.key`) and the warehouse generation, so publishing a generation makes every older answer
unreachable at once. Concurrent identical misses compute once: the first takes a short
lock in the cache, the others wait for its answer. A computation that fails releases the
lock and leaves a short-lived failure marker, so the callers waiting for it, and the
identical requests of the next few seconds, answer 503 at once instead of waiting or
running the failing query again. A cache that fails or is slow (Redis down) costs at most
one short timeout: the answer is computed uncached and the shared breaker
(analytics.cache_guard) keeps the cache alone for a few seconds.
"""

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from analytics.cache_guard import CACHE_ERRORS, breaker, cache_guarded
from analytics.models import Generation
from analytics.ops.counters import cache_counted
from analytics.queries.base import Source
from analytics.selectors import current_generation
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.base import WarehouseUnavailable
from analytics.warehouse.limits import QueryTimeout, query_timeout_seconds
from workspaces.scope import Scope

logger = logging.getLogger(__name__)

KEY_VERSION = 2  # 2: the scope is a workspace and its limits (Scope.key), no longer "all"
POLL_SECONDS = 0.01
FAILURE_SECONDS = 5  # identical requests answer 503 at once for this long after a failure
MISSING = object()
T = TypeVar("T")


class NoGeneration(Exception):
    """Nothing has been published to the warehouse yet."""


class QueryFailed(Exception):
    """The warehouse could not answer a question (an error, a timeout, or a wait that ran
    out); the API answers 503 with this message and Retry-After."""

    def __init__(self, message: str, retry_after: int = FAILURE_SECONDS) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Answer:
    """A computed or cached answer, with where it came from and what it cost."""

    value: object
    generation: int
    as_of: datetime | None
    hit: bool
    timings: dict[str, float] = field(default_factory=dict)


_local_locks: dict[str, threading.Lock] = {}
_local_locks_guard = threading.Lock()


def wait_seconds() -> float:
    """How long a caller waits for another one computing the same answer: the query's own
    time limit and a little more, never the old fixed 30 s."""
    return query_timeout_seconds() + 1.0


def lock_seconds() -> int:
    """How long a computation's lock lives if its process dies without releasing it."""
    return int(query_timeout_seconds()) + 5


SERVED_KEY = "generation:served"
# With the embedded per-process cache a web process learns of a generation published by
# the worker process within this many seconds; with Redis at once (the sync announces it).
SERVED_SECONDS = 2


def served_generation() -> Generation | None:
    """The generation the API answers from: the newest published one, read from the cache
    (one lookup instead of a query on every request) and from the database when absent."""
    cached = cache_guarded(lambda: cache.get(SERVED_KEY), MISSING)
    if cached is MISSING:  # the cache is down: the database answers
        return current_generation()
    if isinstance(cached, Generation):
        return cached
    generation = current_generation()
    if generation is not None:
        generation_announce(generation)
    return generation


def published_number(generation: Generation) -> int:
    """The number of a generation the API answers from: only a published one has one."""
    if generation.number is None:
        raise ValueError(f"{generation} is not published: there is nothing to answer from")
    return generation.number


def generation_announce(generation: Generation) -> None:
    """Make a newly published generation the one served (the sync calls this after commit)."""
    try:
        cache.set(SERVED_KEY, generation, SERVED_SECONDS)
        cache.delete("recent:freshness")
    except CACHE_ERRORS as error:
        breaker.failed(error)


def recent(key: str, seconds: float, compute: Callable[[], T]) -> T:
    """A value at most `seconds` old: for reads of the transactional database that every
    open dashboard polls (freshness), which would otherwise cost a query per poll."""
    if breaker.available():
        try:
            value = cache.get(f"recent:{key}")
            if value is not None:
                return value
            value = compute()
            cache.set(f"recent:{key}", value, seconds)
            return value
        except CACHE_ERRORS as error:
            breaker.failed(error)
    return compute()


def generation_as_of(generation: Generation) -> datetime | None:
    """What time the generation's data is complete up to: its export watermark."""
    marks = [datetime.fromisoformat(mark) for mark in generation.watermark.values()]
    return min(marks) if marks else generation.finished_at


def answer_key(endpoint: str, params: dict, scope: Scope, generation: int) -> str:
    """The cache key: endpoint, normalized parameters, data scope (every part of it), generation."""
    payload = json.dumps({"e": endpoint, "p": params, "s": scope.key}, sort_keys=True, default=str)
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return f"answer:v{KEY_VERSION}:g{generation}:{endpoint}:{digest}"


def answer(
    *,
    endpoint: str,
    params: dict,
    scope: Scope,
    compute: Callable[[Source], object],
    generation: Generation | None = None,
) -> Answer:
    """The answer to one question for the current generation within `scope`, from the cache
    when it can be; the computation reads through a Source holding that same scope. Raises
    QueryFailed (503) when the warehouse fails or times out, or when an identical computation
    failed a moment ago."""
    generation = generation or served_generation()
    if generation is None:
        raise NoGeneration("The warehouse has no published generation yet; the first sync publishes one.")
    number = published_number(generation)
    key = answer_key(endpoint, params, scope, number)
    source = Source(current_warehouse(), generation.location, scope)
    timings: dict[str, float] = {}
    as_of = generation_as_of(generation)

    def result(value: object, hit: bool) -> Answer:
        cache_counted(endpoint, hit=hit)
        return Answer(value=value, generation=number, as_of=as_of, hit=hit, timings=timings)

    def computed() -> object:
        return _timed(timings, "query", lambda: _compute(endpoint, compute, source))

    value: object = MISSING
    if breaker.available():
        try:
            cached = _timed(timings, "cache", lambda: cache.get(key))
            if cached is not None:
                return result(cached, hit=True)
            _failure_raise(key)
            local = _local_lock(key)
            # Threads of this process queue here rather than each polling the cache; bounded,
            # so that a stuck computation cannot hold every worker thread behind it.
            if not local.acquire(timeout=wait_seconds()):
                raise QueryFailed(_STILL_COMPUTING)
            try:
                # Another thread of this process may have answered (or failed) while this one waited.
                cached = cache.get(key)
                if cached is not None:
                    return result(cached, hit=True)
                _failure_raise(key)
                if not cache.add(f"{key}:lock", 1, lock_seconds()):
                    cached = _wait_for(key, timings)
                    if cached is not None:
                        return result(cached, hit=True)
                    # The lock vanished with neither answer nor failure: its holder died.
                try:
                    value = computed()
                except QueryFailed as failure:
                    message = str(failure)
                    cache_guarded(lambda: cache.set(f"{key}:failed", message, FAILURE_SECONDS), None)
                    raise
                finally:
                    cache_guarded(lambda: cache.delete(f"{key}:lock"), None)
                cache.set(key, value, settings.API_CACHE_SECONDS)
            finally:
                local.release()
        except CACHE_ERRORS as error:
            breaker.failed(error)
    if value is MISSING:
        value = computed()
    return result(value, hit=False)


_STILL_COMPUTING = "The same question is still being computed for another request; retry in a few seconds."


def _compute(endpoint: str, compute: Callable[[Source], object], source: Source) -> object:
    """Run the computation; any failure of it becomes a QueryFailed with a message fit for
    the client (the full error goes to the log, never to the response: it may name files)."""
    try:
        return compute(source)
    except WarehouseUnavailable:
        raise  # its own 503, saying what is gone (no server paths) and that the next sync rebuilds it
    except QueryTimeout as error:
        logger.warning("analytics question %s timed out: %s", endpoint, error)
        raise QueryFailed(f"{error} Retry later, or ask for a shorter period or fewer rows.") from error
    except Exception as error:  # whatever broke, the client gets a 503 with a message, not a 500 page
        logger.exception("analytics question %s failed", endpoint)
        raise QueryFailed(
            f"The warehouse could not answer {endpoint} ({type(error).__name__}); retry in a few seconds."
        ) from error


def _failure_raise(key: str) -> None:
    """Raise the failure an identical computation recorded a moment ago, if any."""
    failure = cache.get(f"{key}:failed")
    if failure is not None:
        raise QueryFailed(failure)


def rendered(
    *, endpoint: str, params: dict, scope: Scope, generation: int, fmt: str, render: Callable[[], str | bytes]
) -> tuple[str | bytes, bool]:
    """An answer rendered as a file (CSV, XLSX), from the cache when it was rendered before
    for the same generation, parameters and scope: (bytes, hit). Rendering 36.5K rows as
    XLSX costs seconds; a repeat costs one cache read."""
    key = answer_key(f"{endpoint}#{fmt}", params, scope, generation)
    content = cache_guarded(lambda: cache.get(key), None)
    if content is not None:
        cache_counted(f"{endpoint}.{fmt}", hit=True)
        return content, True
    cache_counted(f"{endpoint}.{fmt}", hit=False)
    content = render()
    cache_guarded(lambda: cache.set(key, content, settings.API_CACHE_SECONDS), None)
    return content, False


def request_answer_get(
    *, endpoint: str, query: list[tuple[str, str]], scope: Scope, generation: Generation
) -> tuple[Answer, dict] | None:
    """The answer stored for exactly this query string (and its normalized parameters), or
    None. It lets a repeated request skip validation and the filter-options lookup: a
    cached answer then costs one cache read (measured: 1.6 → 1.1 ms per request)."""
    if not breaker.available():
        return None
    timings: dict[str, float] = {}
    number = published_number(generation)
    key = answer_key(f"{endpoint}#request", {"query": query}, scope, number)
    try:
        found = _timed(timings, "cache", lambda: cache.get(key))
    except CACHE_ERRORS as error:
        breaker.failed(error)
        return None
    if found is None:
        return None  # not counted as a miss: answer() counts this request's hit or miss
    cache_counted(endpoint, hit=True)
    normalized, value = found
    answer = Answer(value=value, generation=number, as_of=generation_as_of(generation), hit=True, timings=timings)
    return answer, normalized


def request_answer_set(
    *,
    endpoint: str,
    query: list[tuple[str, str]],
    scope: Scope,
    generation: Generation,
    normalized: dict,
    value: object,
) -> None:
    """Remember an answer under its exact query string too (see request_answer_get)."""
    if not breaker.available():
        return
    key = answer_key(f"{endpoint}#request", {"query": query}, scope, published_number(generation))
    try:
        cache.set(key, (normalized, value), settings.API_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        breaker.failed(error)


def _wait_for(key: str, timings: dict[str, float]) -> object | None:
    """Wait for the caller holding the lock to store its answer. Returns it; None when the
    lock vanished without an answer (its holder died); raises QueryFailed at once when the
    holder recorded a failure, and when the wait outlasts the query time limit."""
    started = time.perf_counter()
    deadline = time.monotonic() + wait_seconds()
    try:
        while time.monotonic() < deadline:
            cached = cache.get(key)
            if cached is not None:
                return cached
            _failure_raise(key)
            if cache.get(f"{key}:lock") is None:
                cached = cache.get(key)
                if cached is None:
                    _failure_raise(key)
                return cached
            time.sleep(POLL_SECONDS)
        raise QueryFailed(_STILL_COMPUTING)
    finally:
        timings["wait"] = round((time.perf_counter() - started) * 1000, 2)


def _local_lock(key: str) -> threading.Lock:
    with _local_locks_guard:
        if len(_local_locks) > 10_000:
            _local_locks.clear()
        return _local_locks.setdefault(key, threading.Lock())


def _timed(timings: dict[str, float], name: str, work: Callable[[], T]) -> T:
    started = time.perf_counter()
    try:
        return work()
    finally:
        timings[name] = round((time.perf_counter() - started) * 1000, 2) + timings.get(name, 0)
