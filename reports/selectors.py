"""Reads of subscriptions that the API shares: a member's subscriptions, one of them, its deliveries."""

from django.db.models import Prefetch, QuerySet

from reports.models import Subscription, SubscriptionDelivery
from workspaces.models import Membership

RECENT_DELIVERIES = 50


def subscriptions_of(membership: Membership) -> QuerySet[Subscription]:
    """The member's own subscriptions in their workspace, by name, each with its last
    delivery (`latest`, a one-item list) prefetched in one query."""
    latest = SubscriptionDelivery.objects.order_by("-created_at", "-id")[:1]
    return Subscription.objects.filter(
        workspace_id=membership.workspace_id, created_by_id=membership.user_id
    ).prefetch_related(Prefetch("deliveries", queryset=latest, to_attr="latest"))


def subscription_get(membership: Membership, subscription_id: int) -> Subscription | None:
    """One of the member's subscriptions by id, or None (another's, or another workspace's)."""
    return subscriptions_of(membership).filter(pk=subscription_id).first()


def subscription_deliveries(
    subscription: Subscription, limit: int = RECENT_DELIVERIES
) -> QuerySet[SubscriptionDelivery]:
    """The subscription's deliveries, newest first."""
    return subscription.deliveries.order_by("-created_at", "-id")[:limit]


def delivery_get(subscription: Subscription, delivery_id: int) -> SubscriptionDelivery | None:
    """One delivery of the subscription, or None."""
    return subscription.deliveries.filter(pk=delivery_id).first()
