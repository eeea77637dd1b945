"""Reads of webhooks and deliveries that the API and the receivers share."""

from django.db.models import QuerySet

from analytics.models import Generation
from analytics.warehouse.backends import current_warehouse
from analytics.warehouse.base import WarehouseUnavailable
from analytics.warehouse.schema import TABLES
from webhooks.models import Webhook, WebhookDelivery

# The warehouse tables that hold a workspace's own rows (the shared reference tables do not).
WORKSPACE_TABLES = tuple(
    table.name for table in TABLES if any(column.name == "workspace_id" for column in table.columns)
)


def webhooks_of_workspace(workspace_id: int) -> QuerySet[Webhook]:
    """A workspace's webhooks, newest first."""
    return Webhook.objects.filter(workspace_id=workspace_id).select_related("created_by")


def webhook_of_workspace(*, workspace_id: int, webhook_id: int) -> Webhook | None:
    """One webhook of the workspace; None for another workspace's or an unknown id."""
    return webhooks_of_workspace(workspace_id).filter(pk=webhook_id).first()


def deliveries_of_webhook(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first."""
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-id")


def workspace_rows(generation: Generation, workspace_id: int) -> dict[str, int] | None:
    """The workspace's own rows per warehouse table in the generation (one bound COUNT per
    table, table names from the schema's list); None when the generation cannot be read."""
    warehouse = current_warehouse()
    try:
        return {
            name: int(
                warehouse.fetch(
                    generation.location, f"SELECT COUNT(*) FROM {name} WHERE workspace_id = %s", [workspace_id]
                )[0][0]
            )
            for name in WORKSPACE_TABLES
        }
    except WarehouseUnavailable:
        return None
