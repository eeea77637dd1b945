"""Fixtures of the webhook tests: an admin's API client, a receiver on loopback, a webhook to
it, and Celery running tasks in this process (real task code, no broker)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from analytics.tests.members import api_as, member_user
from config.celery import app
from webhooks.models import Webhook
from webhooks.tests.receiver import Receiver, receiver_running


@pytest.fixture
def admin() -> User:
    return member_user("ada", role="admin")


@pytest.fixture
def client(admin: User) -> APIClient:
    return api_as(admin)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_running() as running:
        yield running


@pytest.fixture
def hook(client: APIClient, receiver: Receiver) -> Webhook:
    """A webhook to the receiver for every event, registered through the API; the receiver knows its secret."""
    events = ["generation.published", "alert.fired", "alert.resolved", "import.finished", "sync.failed"]
    created = client.post("/api/webhooks/", {"url": receiver.url, "events": events}, format="json")
    assert created.status_code == 201, created.json()
    receiver.secret = created.json()["secret"]
    return Webhook.objects.get(pk=created.json()["id"])


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks queued with .delay() run at once in this process: the real task code, no broker."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[None]:
    """A lake and a warehouse of the test's own."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        yield
    cache.clear()
