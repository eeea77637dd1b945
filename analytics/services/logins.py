"""Failed logins, counted in the cache per account and per client address, lock both out
for a while: the API's login and the admin's login form check here before they check a
password, and record the outcome after.

A window opens at an account's (or an address's) first failure and lasts
LOGIN_FAILURE_WINDOW_SECONDS; once LOGIN_FAILURES_PER_ACCOUNT (or _PER_ADDRESS) failures
fall in it, no password is checked for it until the window closes, the right one included.
The per-account count applies to unknown usernames too, so a lock-out tells nothing about
which accounts exist. With the cache unavailable, logins go on unthrottled (logged), as
the API's throttle does: a cache outage must not lock everyone out.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from analytics.client_address import address_throttle_key
from analytics.runner import CACHE_ERRORS

logger = logging.getLogger(__name__)


class LoginLocked(Exception):
    """Too many failed logins for the account or from the address; `retry_after` seconds remain."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            f"Too many failed logins for this account or from this address; try again in {minutes} minute(s)."
        )
        self.retry_after = retry_after


def _account_key(username: str) -> str:
    # Hashed: a username of any length and alphabet makes a short, safe cache key. Case-folded:
    # "Ada" and "ada" count as one account, so case variants give no extra guesses.
    return "login-failures:account:" + hashlib.sha256(username.casefold().encode()).hexdigest()[:32]


def _address_key(address: str) -> str:
    return "login-failures:address:" + address_throttle_key(address)


def login_lock_check(*, username: str, address: str) -> None:
    """Raise LoginLocked if the account or the address has used up its failures in the window."""
    limits = {
        _account_key(username): settings.LOGIN_FAILURES_PER_ACCOUNT,
        _address_key(address): settings.LOGIN_FAILURES_PER_ADDRESS,
    }
    try:
        # One round trip: both counters and the times their windows opened.
        found = cache.get_many([*limits, *(f"{key}:since" for key in limits)])
    except CACHE_ERRORS as error:
        logger.warning("login lock-out skipped: cache unavailable (%s)", error)
        return
    now = time.time()
    waits = [
        found.get(f"{key}:since", now) + settings.LOGIN_FAILURE_WINDOW_SECONDS - now
        for key, limit in limits.items()
        if found.get(key, 0) >= limit
    ]
    if waits:
        raise LoginLocked(max(1, math.ceil(max(waits))))


def login_failure_record(*, username: str, address: str) -> None:
    """Count a failed login against the account and the address."""
    try:
        for key in (_account_key(username), _address_key(address)):
            _failure_count(key)
    except CACHE_ERRORS as error:
        logger.warning("login failure not counted: cache unavailable (%s)", error)


def login_success_record(*, username: str) -> None:
    """A successful login clears the account's failures (the address's stay counted: an
    attacker with one valid account must not reset the count for guessing others)."""
    key = _account_key(username)
    try:
        cache.delete_many([key, f"{key}:since"])
    except CACHE_ERRORS as error:
        logger.warning("login failures not cleared: cache unavailable (%s)", error)


def _failure_count(key: str) -> int:
    """Add one failure to the key's window, opening a window at the first failure."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    try:
        return cache.incr(key)  # one cache operation for all but a window's first failure
    except ValueError:  # no window open
        if cache.add(key, 1, window):
            cache.set(f"{key}:since", time.time(), window)
            return 1
        return cache.incr(key)  # another request opened it meanwhile
