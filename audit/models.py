"""The audit trail's one table: django-auditlog's log entry plus the columns Folio filters on.

Rows are only ever inserted: Folio offers no way to change or delete one (the admin is
read-only, the API answers GET alone) and on PostgreSQL a trigger refuses UPDATE and DELETE
(migration 0002), except the one update the database itself makes when a user is deleted.
"""

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.db.models import Model

from audit.context import audit_context

# The library's integer actions, by the names Folio's API and filters use.
ACTION_EVENTS = {
    AbstractLogEntry.Action.CREATE: "create",
    AbstractLogEntry.Action.UPDATE: "update",
    AbstractLogEntry.Action.DELETE: "delete",
    AbstractLogEntry.Action.ACCESS: "access",
}


class AuditEntryManager(LogEntryManager):
    """The library's manager, filling Folio's columns from the record and the audit context."""

    def log_create(self, instance: Model, force_log: bool = False, **kwargs: Any) -> "AuditEntry | None":
        """An entry for a change to `instance`, with its workspace, channel and actor."""
        kwargs.setdefault("event", ACTION_EVENTS.get(kwargs.get("action", -1), "change"))
        context_fields_fill(kwargs, workspace_id=getattr(instance, "workspace_id", None))
        return super().log_create(instance, force_log=force_log, **kwargs)


def context_fields_fill(fields: dict[str, Any], *, workspace_id: int | None) -> None:
    """Fill an entry's channel, workspace, actor and address from the audit context, where
    the caller set none (the record's own workspace wins over the context's)."""
    context = audit_context()
    fields.setdefault("via", context.via)
    fields.setdefault("workspace_id", workspace_id if workspace_id is not None else context.workspace_id)
    if "actor" not in fields:
        actor = context.actor_now()
        if actor is not None:
            fields["actor"] = actor
            fields.setdefault("actor_name", actor.get_username())
            fields.setdefault("actor_email", getattr(actor, "email", None) or None)
    fields.setdefault("remote_addr", context.remote_addr)


class AuditEntry(AbstractLogEntry):
    """One event: a record created, changed or deleted (with each field's before and after),
    a bulk load with its counts, or a security event (sign-in, refusal, token, membership)."""

    workspace_id = models.BigIntegerField(
        null=True, blank=True, help_text="The workspace the record or event belongs to; none for sign-ins."
    )
    via = models.CharField(
        max_length=120, help_text='Through what: admin, api, sso, "import job 7", "command generate_sales_data".'
    )
    event = models.CharField(
        max_length=40, help_text="create, update, delete, import.finished, signin, signin.failed, permission.refused…"
    )
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The actor's username when it happened (kept if the user goes)."
    )
    counts = models.JSONField(null=True, blank=True, help_text="A bulk load's counts: read, created, rejected…")

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["workspace_id", "-timestamp"], name="audit_workspace_time"),
            models.Index(fields=["event", "-timestamp"], name="audit_event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.object_repr} via {self.via}"
