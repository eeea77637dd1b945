"""Fixtures of the reports tests: the alerts tests' published shop and in-process Celery, a
real SMTP server on loopback, an owner with an email, and subscriptions made through the service."""

import os
from collections.abc import Iterator
from datetime import time
from pathlib import Path
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
def chromium(settings: Any) -> None:
    """The rendering needs Chromium and the dashboard's build: without them the test is
    skipped (failed in CI), as the browser tests are. Not the `browser` fixture: its
    Playwright loop in this thread would refuse the rendering's own."""
    missing = [
        str(path)
        for path in (Path(settings.REPORT_CHROMIUM_PATH), Path(settings.FRONTEND_DIST) / "index.html")
        if not path.exists()
    ]
    if missing:
        message = f"not found: {', '.join(missing)}; `make test` installs Chromium and builds the dashboard"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)


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
    if fields["target"] == "question":
        fields.setdefault("question", "sales-by-region")
    fields.setdefault("format", "xlsx")
    fields.setdefault("schedule", "daily")
    fields.setdefault("time", None if fields["schedule"] == "after_load" else time(9))
    return subscription_create(membership=membership(user), fields=fields)
