"""Per-user request throttling that costs one cache increment and never turns a cache
outage into an error."""

import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from analytics.api.renderers import EXPORT_FORMATS
from analytics.cache_guard import CACHE_ERRORS, breaker
from analytics.client_address import address_throttle_key, client_address

if TYPE_CHECKING:  # rest_framework.views imports the throttle classes from settings
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


def request_cost(request: Request | HttpRequest) -> int:
    """What a request counts for: a CSV or XLSX export costs API_EXPORT_THROTTLE_COST
    (rendering one took seconds where a JSON answer takes milliseconds), the rest 1."""
    renderer = getattr(request, "accepted_renderer", None)  # negotiated before throttles run
    return settings.API_EXPORT_THROTTLE_COST if getattr(renderer, "format", None) in EXPORT_FORMATS else 1


class PerUserThrottle(UserRateThrottle):
    """At most API_THROTTLE_RATE requests per user (anonymous callers by address) in each
    fixed window (a minute for "1200/min").

    DRF's own throttle keeps every request's timestamp in the cache and rewrites the whole
    list on each request: at a few hundred requests a second that list, pickled and
    unpickled per request, cost more than the answer. A counter per window (INCR on Redis,
    as rate limiters usually do) costs one cache operation. A burst across a window
    boundary can reach twice the rate for a moment; that is the usual price of the form.
    With the cache down the request is let through and a warning logged: a throttle must
    not make the API unavailable. The cache breaker is the one the runner and the token
    lookup share, so a hung Redis costs one timeout per pause, not one per request.

    AnonymousApiThrottleMiddleware counts a plain HttpRequest, before any view exists: only
    its user and META are read."""

    # Parsed from the rate by SimpleRateThrottle.__init__ (DRF's stubs omit them); None without a rate.
    num_requests: int | None
    duration: int | None

    def allow_request(self, request: Request | HttpRequest, view: "APIView | None") -> bool:
        """Whether the caller is under its rate in the current window."""
        limit, duration = self.num_requests, self.duration
        if (
            limit is None
            or duration is None
            or getattr(getattr(request, "_request", request), "throttle_counted", False)
        ):
            return True  # no rate, or AnonymousApiThrottleMiddleware counted it already
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = time.time()
        window = int(now // duration)
        self.retry_after = (window + 1) * duration - now
        key = f"{ident}:w{window}"
        if not breaker.available():
            return True
        cost = request_cost(request)
        try:
            try:
                count = cache.incr(key, cost)  # one cache operation for all but a window's first request
            except ValueError:  # no counter yet: this window's first request
                if cache.add(key, cost, duration + 1):
                    return cost <= limit
                count = cache.incr(key, cost)  # another request created it meanwhile
            return count <= limit
        except ValueError:  # the counter expired between add and incr
            return True
        except CACHE_ERRORS as error:
            logger.warning("throttle skipped: cache unavailable (%s)", error)
            breaker.failed(error)
            return True

    def get_cache_key(self, request: Request | HttpRequest, view: "APIView | None") -> str:
        """The user's id, or an anonymous caller's address (as UserRateThrottle keys them)."""
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request: Request | HttpRequest) -> str:
        """An anonymous caller's address, from the socket unless trusted proxies vouch for
        X-Forwarded-For (DRF's own would believe any header a client sends)."""
        return address_throttle_key(client_address(request))

    def wait(self) -> float:
        """Seconds until the next window opens (DRF turns it into Retry-After)."""
        return max(self.retry_after, 1.0)
