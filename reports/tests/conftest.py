"""Fixtures of the reports tests: the alerts tests' published shop and in-process Celery, a
real SMTP server on loopback, an owner with an email, and subscriptions made through the service."""

from collections.abc import Iterator
from datetime import time
from typing import Any

import pytest
from django.contrib.auth.models import User

from alerts.tests.conftest import eager, shop  # noqa: F401  fixtures shared with the alerts tests
from analytics.tests.mailbox import Inbox, smtp_running
from analytics.tests.members import member_user
from reports.models import Subscription
from reports.services import subscription_create
from workspaces.models import Membership
from workspaces.services import workspace_default

BASE_URL = "https://folio.example.org"


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """A real SMTP server on loopback, Django's SMTP backend pointed at it, the links' base URL set."""
    with smtp_running(FOLIO_BASE_URL=BASE_URL) as inbox:
        yield inbox


@pytest.fixture
def owner() -> User:
    """A viewer (the least role: any member may subscribe) with an email."""
    return member_user("reader", role="viewer", email="reader@example.com")


def membership(user: User) -> Membership:
    return Membership.objects.get(user=user, workspace=workspace_default())


def subscription_make(user: User, **fields: Any) -> Subscription:
    """A subscription of the user's, through the service that validates it: by default the
    sales-by-region table as XLSX, daily at 09:00 UTC."""
    fields.setdefault("name", "Regions")
    fields.setdefault("target", "question")
    fields.setdefault("question", "sales-by-region")
    fields.setdefault("format", "xlsx")
    fields.setdefault("schedule", "daily")
    fields.setdefault("time", None if fields["schedule"] == "after_load" else time(9))
    return subscription_create(membership=membership(user), fields=fields)
