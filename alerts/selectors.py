"""Reads of alerts that the API shares: a member's alerts, one alert, its events."""

from django.db.models import QuerySet

from alerts.models import Alert, AlertEvent
from workspaces.models import Membership


def alerts_of(membership: Membership) -> QuerySet[Alert]:
    """The member's own alerts in their workspace, by name."""
    return Alert.objects.filter(workspace_id=membership.workspace_id, created_by_id=membership.user_id).select_related(
        "created_by"
    )


def alert_get(membership: Membership, alert_id: int) -> Alert | None:
    """One of the member's alerts by id, or None (another's, or another workspace's)."""
    return alerts_of(membership).filter(pk=alert_id).first()


def alert_events(alert: Alert, limit: int = 200) -> QuerySet[AlertEvent]:
    """The alert's events, newest first."""
    return alert.events.all()[:limit]
