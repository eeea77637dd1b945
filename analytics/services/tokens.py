"""Personal API tokens: create one (shown once), revoke it, and authenticate a presented token."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from analytics.cache_guard import CACHE_ERRORS, breaker, cache_guarded
from analytics.models import ApiToken
from analytics.selectors import api_token_is_active

TOKEN_PREFIX = "folio_"  # lets secret scanners and people recognise a Folio token
PREFIX_LENGTH = 12  # "folio_" and six random characters: enough to tell a user's tokens apart
# Recording every use would turn each API read into a write; a minute is precise enough for
# "last used" and bounds the writes to one per token per minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenLifetimeInvalid(ValueError):
    """The requested lifetime is outside 1..API_TOKEN_MAX_DAYS days."""


def api_token_digest(raw: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for the user; returns the row and the plaintext, which is never stored."""
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ApiTokenLifetimeInvalid(
            f"A token lives between 1 and {settings.API_TOKEN_MAX_DAYS} days; {days} is out of range."
        )
    # 32 random bytes: 256 bits, so a digest lookup needs no rate limit against guessing.
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        digest=api_token_digest(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: AbstractBaseUser, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; raises ApiToken.DoesNotExist for anyone else's."""
    token = ApiToken.objects.get(pk=token_id, user=user)
    # Conditional update: revoking again (or concurrently) keeps the first revocation time.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    # Forget now, and again after commit: a request in between may have remembered the
    # token as still active from the not-yet-committed row.
    api_token_forget(token.digest)
    transaction.on_commit(lambda: api_token_forget(token.digest))
    return token


TOKEN_SQL = f"SELECT * FROM {ApiToken._meta.db_table} WHERE digest = %s"
USER_SQL = f"SELECT * FROM {get_user_model()._meta.db_table} WHERE id = %s"
# A token lookup is remembered this long, so that a client's requests cost no query for
# it (measured: the token and user queries were half of a cached answer's time under
# load). Revoking deletes the entry in the shared cache at once; with the embedded
# per-process cache, another web process may accept a revoked token this much longer.
TOKEN_CACHE_SECONDS = 30


def _token_cache_key(digest: str) -> str:
    return f"apitoken:{digest}"


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token a caller presented (its user loaded), or None if unknown, revoked or expired."""
    digest = api_token_digest(raw)
    token = _token_cached(digest)
    if token is None:
        # Raw SQL: the ORM's query compilation cost more than these primary-key lookups.
        found = list(ApiToken.objects.raw(TOKEN_SQL, [digest]))
        token = found[0] if found else None
        if token is not None:
            owners = list(get_user_model().objects.raw(USER_SQL, [token.user_id]))
            token.user = owners[0] if owners else None
            _token_remember(digest, token)
    now = timezone.now()
    if token is None or token.user is None or not api_token_is_active(token, at=now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        _token_remember(digest, token)
    return token


def _token_cached(digest: str) -> ApiToken | None:
    # The shared breaker: with Redis hung, one timeout per pause for the whole process.
    return cache_guarded(lambda: cache.get(_token_cache_key(digest)), None)


def _token_remember(digest: str, token: ApiToken) -> None:
    cache_guarded(lambda: cache.set(_token_cache_key(digest), token, TOKEN_CACHE_SECONDS), None)


def api_token_forget(digest: str) -> None:
    """Drop a token's remembered lookup (after revoking it). Tried even while the breaker
    is open: a revocation is rare, and a forget skipped would let the token live on."""
    try:
        cache.delete(_token_cache_key(digest))
    except CACHE_ERRORS as error:
        breaker.failed(error)
