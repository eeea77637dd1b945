"""Writes to the audit trail beyond the per-record entries django-auditlog makes: bulk loads,
sign-ins, refusals and revocations. Nothing here changes or deletes an entry."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from audit.context import Actor, audit_context, audit_via
from audit.models import AuditEntry, context_fields_fill

SIGNIN = "signin"
SIGNIN_FAILED = "signin.failed"
SIGNOUT = "signout"
PERMISSION_REFUSED = "permission.refused"
REVOKE = "revoke"
# Events that belong to a person rather than a workspace's records: a workspace's admins see
# those of its members.
PERSONAL_EVENTS = (SIGNIN, SIGNIN_FAILED, SIGNOUT)


def audit_event_record(
    *,
    event: str,
    model: type[Model],
    object_pk: object = "",
    object_repr: str = "",
    changes: dict[str, list[Any]] | None = None,
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    workspace_id: int | None = None,
    actor: AbstractBaseUser | None = None,
    actor_name: str | None = None,
    action: int = AuditEntry.Action.ACCESS,
    personal: bool = False,
) -> AuditEntry:
    """One event that is not a single saved record (a bulk load, a sign-in, a refusal), in
    the current context's channel; the actor is the context's unless one is named. A
    personal event (a sign-in) belongs to no workspace, whatever the context says."""
    fields: dict[str, Any] = {
        "event": event,
        "action": action,
        "content_type": ContentType.objects.get_for_model(model),
        "object_pk": str(object_pk),
        "object_id": object_pk if isinstance(object_pk, int) else None,
        "object_repr": object_repr,
        "changes": changes,
        "counts": counts,
        "additional_data": details,
    }
    if actor is not None:
        fields.update(actor=actor, actor_name=actor.get_username(), actor_email=getattr(actor, "email", None) or None)
    if actor_name is not None:
        fields["actor_name"] = actor_name
    if personal:
        fields["workspace_id"] = None
    context_fields_fill(fields, workspace_id=workspace_id)
    return AuditEntry.objects.create(**fields)


@dataclass
class BulkRun:
    """One bulk load's event, filled in by the block it wraps: its counts, and the object
    (a job) the load ran as, when there is one."""

    action: str  # "import", "generate"
    kind: str  # "sales", "ledger", "books", "finance" …
    model: type[Model]  # the model the load wrote most of; the entry's content type
    counts: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the job's id
    error: str | None = None  # set by a block that failed without raising (a refused import)


@contextmanager
def audit_bulk(
    *,
    via: str,
    action: str,
    kind: str,
    model: type[Model],
    workspace_id: int | None = None,
    actor: Actor = None,
) -> Iterator[BulkRun]:
    """A bulk load (an import, a generator): no entry per row inside (COPY and bulk_create
    write none anyway; the few saves a loader makes are part of the load), and one
    `<action>.finished` event with the counts the block sets, or `<action>.failed` with the error."""
    run = BulkRun(action=action, kind=kind, model=model)
    with audit_via(via, workspace_id=workspace_id, actor=actor):
        try:
            with disable_auditlog():
                yield run
        except BaseException as error:
            run.error = f"{type(error).__name__}: {error}"
            # An import that rejected its file still says what it read and rejected.
            summary_counts = getattr(getattr(error, "summary", None), "counts", None)
            if callable(summary_counts):
                run.counts.update(summary_counts())
            _bulk_record(run)
            raise
        _bulk_record(run)


def _bulk_record(run: BulkRun) -> AuditEntry:
    details = dict(run.details)
    if run.error is not None:
        details["error"] = run.error
    return audit_event_record(
        event=f"{run.action}.{'failed' if run.error is not None else 'finished'}",
        action=AuditEntry.Action.CREATE,
        model=run.model,
        object_repr=f"{run.kind} {run.action}",
        counts={"kind": run.kind, **run.counts},
        details=details or None,
    )


def audit_signin_record(*, event: str, user: AbstractBaseUser | None, username: str = "") -> AuditEntry:
    """A sign-in, sign-out or failed sign-in; a failure names the username tried, and the
    account when one has it (the actor stays empty: nobody was signed in)."""
    user_model = get_user_model()
    if event == SIGNIN_FAILED:
        target = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        return audit_event_record(
            event=event,
            model=user_model,
            object_pk=target.pk if target else "",
            object_repr=username,
            actor_name=username,
            details={"username": username},
            personal=True,
        )
    assert user is not None  # signed in or out: Django names the user
    return audit_event_record(
        event=event, model=user_model, object_pk=user.pk, object_repr=user.get_username(), actor=user, personal=True
    )


def audit_refusal_record(
    *, path: str, method: str, message: str, status: int, workspace_id: int | None = None
) -> AuditEntry:
    """A request refused for lack of permission (an API 403), with what was asked, in the
    workspace the caller asked about (the context's when none is named)."""
    context = audit_context()
    actor = context.actor_now()
    user_model = get_user_model()
    return audit_event_record(
        event=PERMISSION_REFUSED,
        model=user_model,
        object_pk=actor.pk if actor is not None else "",
        object_repr=f"{method} {path}",
        details={"path": path, "method": method, "message": message, "status": status},
        workspace_id=workspace_id if workspace_id is not None else context.workspace_id,
    )


def audit_revocations_record(*, records: Iterable[Model], field_name: str, at: datetime) -> list[AuditEntry]:
    """One `revoke` entry per record revoked now (a queryset update writes no entry itself)."""
    return [
        audit_event_record(
            event=REVOKE,
            action=AuditEntry.Action.UPDATE,
            model=type(record),
            object_pk=record.pk,
            object_repr=str(record),
            changes={field_name: [None, at.isoformat()]},
            workspace_id=getattr(record, "workspace_id", None),
        )
        for record in records
    ]
