"""Operators see subscriptions and their deliveries in the Django admin; deliveries are read-only."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from reports.models import SubscriptionDelivery
from reports.tests.conftest import subscription_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop")]


def test_an_operator_lists_subscriptions_and_reads_a_delivery(owner: User) -> None:
    subscription = subscription_make(owner, name="Overview weekly", target="page", page="/", format="pdf")
    delivery = SubscriptionDelivery.objects.create(
        subscription=subscription,
        trigger="schedule",
        scheduled_for=datetime(2025, 6, 2, 7, tzinfo=UTC),
        status="failed",
        error="SMTPDataError: (554, b'refused')",
    )
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("op", "op@example.com", "a-long-password"))

    listed = client.get(reverse("admin:reports_subscription_changelist"), {"active__exact": "1"})
    changed = client.get(reverse("admin:reports_subscription_change", args=[subscription.pk]))
    deliveries = client.get(reverse("admin:reports_subscriptiondelivery_changelist"), {"status__exact": "failed"})
    one = client.get(reverse("admin:reports_subscriptiondelivery_change", args=[delivery.pk]))
    add = client.get(reverse("admin:reports_subscriptiondelivery_add"))

    assert [response.status_code for response in (listed, changed, deliveries, one, add)] == [200, 200, 200, 200, 403]
    assert "Overview weekly" in listed.content.decode()
    assert "SMTPDataError: (554, b&#x27;refused&#x27;)" in changed.content.decode()
    assert 'name="error"' not in one.content.decode()  # read-only: shown, not a form field
