"""One circuit breaker for every use of the shared cache (answers, throttle, tokens, generation).

A slow or dead Redis costs one short socket timeout; after that the breaker stays open for
CACHE_PAUSE_SECONDS and every caller in the process skips the cache instead of paying its
own timeout (measured before: throttle, token lookup and served generation each paid
0.2 s, so a hung Redis added about 0.8 s to every request).
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_PAUSE_SECONDS = 5.0  # after a cache failure, skip the cache this long
CACHE_ERRORS = (ConnectionInterrupted, RedisError, ConnectionError, TimeoutError)

T = TypeVar("T")


class CacheBreaker:
    """Remembers a cache failure for a few seconds so that every request does not pay a timeout."""

    def __init__(self) -> None:
        self._down_until = 0.0

    def available(self) -> bool:
        """Whether the cache should be tried."""
        return time.monotonic() >= self._down_until

    def failed(self, error: Exception) -> None:
        """Record a failure and log it once per pause."""
        if self.available():
            logger.warning("analytics cache unavailable, answering uncached for %ss: %s", CACHE_PAUSE_SECONDS, error)
        self._down_until = time.monotonic() + CACHE_PAUSE_SECONDS

    def reset(self) -> None:
        """Believe the cache works again (tests, and after the cache is reconfigured)."""
        self._down_until = 0.0


breaker = CacheBreaker()


def cache_guarded(operation: Callable[[], T], fallback: T) -> T:
    """The operation's result, or `fallback` when the breaker is open or the cache fails now
    (which opens the breaker for everyone in the process)."""
    if not breaker.available():
        return fallback
    try:
        return operation()
    except CACHE_ERRORS as error:
        breaker.failed(error)
        return fallback
