"""Reads of the audit trail: one workspace's entries, filtered, newest first."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from audit.models import AuditEntry
from audit.services import PERSONAL_EVENTS
from workspaces.models import Membership


@dataclass(frozen=True)
class AuditFilters:
    """What a reader narrows the trail to; None means no limit."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None  # username
    action: str | None = None  # an event ("create") or its family ("import": import.finished, import.failed)
    model: str | None = None  # a model's name in lower case: sale, ledgerentry, membership…
    object_id: str | None = None
    via: str | None = None  # exact ("api") or a family ("import job" matches every import job)


def audit_entries_of_workspace(*, workspace_id: int, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The workspace's entries, and the sign-ins, sign-outs and failed sign-ins of its
    members (those belong to no workspace), filtered, newest first."""
    members = Membership.objects.filter(workspace_id=workspace_id).values("user_id")
    user_type = ContentType.objects.get_for_model(get_user_model())
    personal = Q(workspace_id__isnull=True, event__in=PERSONAL_EVENTS) & (
        Q(actor_id__in=members) | Q(content_type=user_type, object_id__in=members)
    )
    entries = AuditEntry.objects.filter(Q(workspace_id=workspace_id) | personal)
    if filters.since is not None:
        entries = entries.filter(timestamp__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(timestamp__lt=filters.until)
    if filters.actor is not None:
        entries = entries.filter(actor_name=filters.actor)
    if filters.action is not None:
        entries = entries.filter(Q(event=filters.action) | Q(event__startswith=f"{filters.action}."))
    if filters.model is not None:
        entries = entries.filter(content_type__model=filters.model)
    if filters.object_id is not None:
        entries = entries.filter(object_pk=filters.object_id)
    if filters.via is not None:
        entries = entries.filter(Q(via=filters.via) | Q(via__startswith=f"{filters.via} "))
    return entries.select_related("content_type").order_by("-timestamp", "-id")
