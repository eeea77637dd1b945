"""Personal API tokens: create one (shown once), revoke it, and authenticate a presented token.

What ends a token ends it at once: revoking it (or the token that created it), deleting it,
and deactivating or deleting its owner. Lookups are remembered in the cache; every change
forgets them (the services here, called by the API, the admin and analytics/signals.py for
ORM saves and deletes), and with the per-process local-memory cache, which another process's
change cannot reach, each request re-reads the token's and owner's state in one small query.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from analytics.cache_guard import CACHE_ERRORS, breaker, cache_guarded
from analytics.models import ApiToken
from analytics.selectors import api_token_is_active
from audit.services import audit_revocations_record
from workspaces.models import Workspace

TOKEN_PREFIX = "folio_"  # lets secret scanners and people recognise a Folio token
PREFIX_LENGTH = 12  # "folio_" and six random characters: enough to tell a user's tokens apart
# Recording every use would turn each API read into a write; a minute is precise enough for
# "last used" and bounds the writes to one per token per minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenLifetimeInvalid(ValueError):
    """The requested lifetime is outside 1..API_TOKEN_MAX_DAYS days."""


class ApiTokenParentEnded(Exception):
    """The token a new token was to be created with has been revoked, has expired or is gone."""


def api_token_digest(raw: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, workspace: Workspace, name: str, days: int | None = None, parent: ApiToken | None = None
) -> tuple[ApiToken, str]:
    """Create a token for the user, acting in the workspace; returns the row and the
    plaintext, which is never stored.

    A token created with another token (`parent`, the one the request authenticated with)
    expires no later than its parent, whatever `days` asks, and is revoked with it: a
    stolen short-lived token cannot leave a longer-lived one behind."""
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ApiTokenLifetimeInvalid(
            f"A token lives between 1 and {settings.API_TOKEN_MAX_DAYS} days; {days} is out of range."
        )
    now = timezone.now()
    expires_at = now + timedelta(days=days)
    if parent is not None:
        # Locks the parent's row: a revocation running meanwhile either committed first (and
        # this refuses) or waits for this child to commit and then revokes it too.
        alive = ApiToken.objects.select_for_update().filter(pk=parent.pk, revoked_at__isnull=True, expires_at__gt=now)
        if not alive.exists():
            raise ApiTokenParentEnded("The token this request authenticated with has been revoked or has expired.")
        expires_at = min(expires_at, parent.expires_at)
    # 32 random bytes: 256 bits, so a digest lookup needs no rate limit against guessing.
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        workspace=workspace,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        digest=api_token_digest(raw),
        expires_at=expires_at,
        parent=parent,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, workspace_id: int, token_id: int, any_member: bool = False) -> ApiToken:
    """Revoke one of the user's tokens in the workspace (with `any_member`, any member's:
    an admin's right) and those it created; raises ApiToken.DoesNotExist for any other."""
    tokens = ApiToken.objects.filter(pk=token_id, workspace_id=workspace_id)
    token = tokens.get() if any_member else tokens.get(user=user)
    api_tokens_revoke(tokens=ApiToken.objects.filter(pk=token.pk))
    token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke(*, tokens: QuerySet[ApiToken]) -> int:
    """Revoke the tokens and, level by level, every token they created; returns how many
    were revoked now (tokens revoked before keep their first revocation time)."""
    now = timezone.now()
    level, ids, revoked = set(tokens.values_list("pk", flat=True)), set(), 0
    while level:
        ids |= level
        # Revoke (and so lock) a level before reading its children: a child being created
        # holds its parent's lock, so it is found here once committed, or refused.
        # Conditional: revoking again (or concurrently) keeps the first revocation time.
        revoked += ApiToken.objects.filter(pk__in=level, revoked_at__isnull=True).update(revoked_at=now)
        level = set(ApiToken.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - ids
    audit_revocations_record(
        records=ApiToken.objects.filter(pk__in=ids, revoked_at=now), field_name="revoked_at", at=now
    )
    api_tokens_forget(digests=list(ApiToken.objects.filter(pk__in=ids).values_list("digest", flat=True)))
    return revoked


def api_tokens_forget(*, digests: list[str]) -> None:
    """Forget the tokens' remembered lookups now, and again after commit: a request in
    between may have remembered a token as still active from the not-yet-committed row."""

    def forget() -> None:
        for digest in digests:
            api_token_forget(digest)

    forget()
    if digests and connection.in_atomic_block:
        transaction.on_commit(forget)


def api_tokens_of_user_forget(*, user_id: int) -> None:
    """Forget every remembered token of a user (deactivated, deleted or otherwise changed)."""
    api_tokens_forget(digests=list(ApiToken.objects.filter(user_id=user_id).values_list("digest", flat=True)))


TOKEN_SQL = f"SELECT * FROM {ApiToken._meta.db_table} WHERE digest = %s"
USER_SQL = f"SELECT * FROM {get_user_model()._meta.db_table} WHERE id = %s"
# Whether a remembered token still authenticates, in one query on two primary keys:
# not revoked, not expired, its owner active (no row: deleted).
ALIVE_SQL = (
    f"SELECT t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active FROM {ApiToken._meta.db_table} t "
    f"JOIN {get_user_model()._meta.db_table} u ON u.id = t.user_id WHERE t.id = %s"
)
# A token lookup is remembered this long, so that a client's requests cost no query for
# it (measured: the token and user queries were half of a cached answer's time under
# load). Every change that ends a token forgets it, so with a shared cache the time only
# bounds what a change outside Folio's code (a bulk UPDATE in SQL) takes to be seen.
TOKEN_CACHE_SECONDS = 30


def _token_cache_key(digest: str) -> str:
    return f"apitoken:{digest}"


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token a caller presented (its user loaded), or None if unknown, revoked or expired."""
    digest = api_token_digest(raw)
    token = _token_cached(digest)
    if token is not None and not _cache_is_shared() and not _token_alive(token):
        api_token_forget(digest)
        return None
    if token is None:
        # Raw SQL: the ORM's query compilation cost more than these primary-key lookups.
        found = list(ApiToken.objects.raw(TOKEN_SQL, [digest]))
        token = found[0] if found else None
        if token is not None:
            owners = list(get_user_model().objects.raw(USER_SQL, [token.user_id]))
            if not owners:  # the owner was deleted meanwhile, and its tokens with it
                return None
            token.user = owners[0]
            _token_remember(digest, token)
    now = timezone.now()
    if token is None or not api_token_is_active(token, at=now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        _token_remember(digest, token)
    return token


def _cache_is_shared() -> bool:
    """Whether a change made by one web process reaches the others' cache (Redis does; the
    local-memory cache is per process)."""
    return not isinstance(caches["default"], LocMemCache)


def _token_alive(token: ApiToken) -> bool:
    """Whether a remembered token still authenticates, read from the database: neither
    revoked, expired nor deleted, and its owner active. One query on primary keys, so that
    a per-process cache never lets a token outlive what ended it in another process."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(ALIVE_SQL, [now, token.pk])
        row = cursor.fetchone()
    return bool(row and row[0])


def _token_cached(digest: str) -> ApiToken | None:
    # The shared breaker: with Redis hung, one timeout per pause for the whole process.
    return cache_guarded(lambda: cache.get(_token_cache_key(digest)), None)


def _token_remember(digest: str, token: ApiToken) -> None:
    cache_guarded(lambda: cache.set(_token_cache_key(digest), token, TOKEN_CACHE_SECONDS), None)


def api_token_forget(digest: str) -> None:
    """Drop a token's remembered lookup (after revoking or deleting it, or changing its
    owner). Tried even while the breaker is open: a forget skipped would let the token live on."""
    try:
        cache.delete(_token_cache_key(digest))
    except CACHE_ERRORS as error:
        breaker.failed(error)
