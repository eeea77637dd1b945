"""Readiness: whether this process can reach the database, the cache and the warehouse.

Each check runs on a thread of its own and is given CHECK_TIMEOUT_SECONDS: a dependency
that hangs makes the probe answer "timeout" in that time instead of holding the probe (and
a web worker thread) until the dependency's own timeout. A check still hanging from an
earlier probe is not started again: at most one thread per dependency waits on it.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import connection

from analytics.runner import served_generation
from analytics.warehouse.backends import warehouse_problem

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0
CACHE_PROBE_KEY = "readiness:probe"


@dataclass(frozen=True)
class CheckResult:
    """One dependency's state: ok or not, with why (for staff and metrics-token holders only)."""

    ok: bool
    detail: str
    ms: float


def database_check() -> str:
    """SELECT 1 on the transactional database; a connection left broken by an outage is replaced."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connection.vendor


def cache_check() -> str:
    """A write and a read through the configured cache (Redis, or the process's memory)."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    cache.set(CACHE_PROBE_KEY, 1, 10)
    if cache.get(CACHE_PROBE_KEY) != 1:
        raise RuntimeError("the cache did not return what was written to it")
    return type(cache).__name__


def warehouse_check() -> str:
    """The served generation's data is there and readable (the freshness endpoint's check);
    before the first sync there is nothing to read, and the web can still serve the rest."""
    generation = served_generation()
    if generation is None:
        return "no generation published yet"
    problem = warehouse_problem(generation.location)
    if problem is not None:
        raise RuntimeError(problem)
    return f"generation {generation.number}"


CHECKS: dict[str, Callable[[], str]] = {"database": database_check, "cache": cache_check, "warehouse": warehouse_check}


class BoundedChecker:
    """Runs one dependency's check with a time limit, on one thread of its own."""

    def __init__(self, name: str, check: Callable[[], str]) -> None:
        self.name = name
        self.check = check
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"readiness-{name}")
        self._running: Future[str] | None = None
        self._lock = threading.Lock()

    def start(self) -> Future[str]:
        """The check's run: a new one, or the one still running since an earlier probe."""
        with self._lock:
            if self._running is None or self._running.done():
                self._running = self._executor.submit(self.check)
            return self._running

    def result(self, running: Future[str], started: float, timeout: float) -> CheckResult:
        """The run's result, or a failure once `timeout` seconds have passed since `started`."""
        try:
            detail = running.result(timeout=max(0.0, timeout - (time.perf_counter() - started)))
        except FutureTimeout:
            return self._failed(started, f"no answer within {timeout:g} s")
        except Exception as error:  # whatever the dependency raised, the probe answers
            return self._failed(started, f"{type(error).__name__}: {error}")
        return CheckResult(ok=True, detail=detail, ms=round((time.perf_counter() - started) * 1000, 2))

    def _failed(self, started: float, detail: str) -> CheckResult:
        logger.error("readiness check %s failed: %s", self.name, detail)
        return CheckResult(ok=False, detail=detail, ms=round((time.perf_counter() - started) * 1000, 2))


_checkers = {name: BoundedChecker(name, check) for name, check in CHECKS.items()}


def readiness(timeout: float | None = None) -> dict[str, CheckResult]:
    """Every dependency's state, checked at the same time: the probe takes at most `timeout`
    (CHECK_TIMEOUT_SECONDS by default)."""
    timeout = CHECK_TIMEOUT_SECONDS if timeout is None else timeout
    started = time.perf_counter()
    running = {name: checker.start() for name, checker in _checkers.items()}
    return {name: _checkers[name].result(run, started, timeout) for name, run in running.items()}
