"""Per-user request throttling that never turns a cache outage into an error."""

import logging
from typing import TYPE_CHECKING

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports the throttle classes from settings
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class PerUserThrottle(UserRateThrottle):
    """DRF's per-user rate (API_THROTTLE_RATE; anonymous callers by address), kept in the
    cache. With the cache down the request is let through and a warning logged: a
    throttle must not make the API unavailable."""

    def allow_request(self, request: Request, view: "APIView") -> bool:
        """Whether the caller is under its rate."""
        try:
            return super().allow_request(request, view)
        except (ConnectionInterrupted, RedisError) as error:
            logger.warning("throttle skipped: cache unavailable (%s)", error)
            return True
