"""Fixtures of the browser tests that run what a page queues: a real Celery worker."""

from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app


@pytest.fixture
def worker() -> Iterator[None]:
    """A real Celery worker (solo pool, in a thread) on an in-process broker: it runs the
    tasks a page's button queues (a webhook's test delivery, a report sent now)."""
    before = (app.conf.broker_url, dict(app.conf.broker_transport_options or {}))
    app.conf.update(broker_url="memory://", broker_transport_options={})
    _producers_forget()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
            yield
    finally:
        app.conf.update(broker_url=before[0], broker_transport_options=before[1])
        _producers_forget()


def _producers_forget() -> None:
    """Drop the app's connection and producer pools: made by an earlier test for the previous
    broker, they would keep sending there (the page's task then never reaches this worker)."""
    app.close()
    app.amqp._producer_pool = None
