"""Log lines: JSON objects with time, level, logger, message and request id in production,
text locally; the request id is the proxy's when it is sane, and reaches Celery tasks."""

import importlib
import json
import logging
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from analytics.ops.logs import JsonLines, RequestIdAdded
from analytics.ops.request_id import (
    TASK_HEADER,
    request_id_chosen,
    request_id_current,
    request_id_reset,
    request_id_set,
)
from config import celery as folio_celery
from config.settings import base

STRONG_KEY = "q7Vd0-Jx3Lr_pW9sKe2TnYb8Uf4Hc6Ga1Zm5Oi0Rv7Xw3Ek9Sn2Dl8Pj4Bt6Qy1Cu"


def record(message: str, *args: object, exc_info: bool = False) -> logging.LogRecord:
    made = logging.getLogger("folio.test").makeRecord(
        "folio.test", logging.WARNING, __file__, 1, message, args, sys.exc_info() if exc_info else None
    )
    made.created = 1_767_225_600.25  # 2026-01-01T00:00:00.250Z
    RequestIdAdded().filter(made)
    return made


@pytest.fixture
def request_id() -> Iterator[str]:
    token = request_id_set("req-1234")
    yield "req-1234"
    request_id_reset(token)


def test_a_json_line_has_time_level_logger_message_and_request_id(request_id: str) -> None:
    line = json.loads(JsonLines().format(record("sold %s copies\nof %r", 3, "Dune")))

    assert line == {
        "time": "2026-01-01T00:00:00.250+00:00",
        "level": "WARNING",
        "logger": "folio.test",
        "message": "sold 3 copies\nof 'Dune'",
        "request_id": request_id,
    }


def test_an_exception_stays_on_its_line_and_outside_a_request_the_id_is_null() -> None:
    try:
        raise ValueError("bad batch")
    except ValueError:
        formatted = JsonLines().format(record("load failed", exc_info=True))

    assert "\n" not in formatted
    line = json.loads(formatted)
    assert line["request_id"] is None
    assert line["exception"].startswith("Traceback") and line["exception"].endswith("ValueError: bad batch")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("3f2a9c1e-7b4d-4e2a-9c1e-7b4d4e2a9c1e", True),
        ("Root=1-67891233-abcdef012345678912345678", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("", False),
        ("two words", False),
        ('quote"d', False),
        ("line\nbreak", False),
        ("-leading-dash", False),
    ],
)
def test_a_proxys_request_id_is_kept_only_when_it_looks_like_one(sent: str, kept: bool) -> None:
    chosen = request_id_chosen(sent)

    assert (chosen == sent) is kept
    if not kept:
        assert len(chosen) == 32 and int(chosen, 16) >= 0


@pytest.mark.django_db
def test_each_request_gets_an_id_echoed_in_its_response() -> None:
    kept = Client().get("/healthz", HTTP_X_REQUEST_ID="from-the-load-balancer")
    first, second = Client().get("/healthz"), Client().get("/healthz")

    assert kept["X-Request-ID"] == "from-the-load-balancer"
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert request_id_current() is None  # forgotten when the request finished


def test_a_task_queued_during_a_request_carries_its_id(request_id: str) -> None:
    headers: dict[str, object] = {}
    folio_celery.request_id_sent(headers=headers)

    class Task:
        request = type("Context", (), {TASK_HEADER: request_id})()

    token = request_id_set(None)
    try:
        folio_celery.request_id_received(task_id="t-1", task=Task())  # type: ignore[arg-type]  # a stand-in for a celery Task
        during = request_id_current()
        folio_celery.request_id_cleared(task_id="t-1")
        after = request_id_current()
    finally:
        request_id_reset(token)

    assert headers == {TASK_HEADER: request_id}
    assert (during, after) == (request_id, None)


def test_without_a_request_a_task_is_queued_without_an_id() -> None:
    headers: dict[str, object] = {}

    folio_celery.request_id_sent(headers=headers)

    assert headers == {}


def production_settings(monkeypatch: pytest.MonkeyPatch, **variables: str) -> ModuleType:
    """config.settings.production as it loads with these variables (and what production requires)."""
    required = {
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "folio.example.com",
        "DATABASE_URL": "postgresql://folio@db.internal:5432/folio",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/1",
    }
    for name, value in required.items():
        monkeypatch.setenv(name, value)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("config.settings.production", None)
    try:
        return importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)


def test_production_logs_json_lines_on_stdout_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    default = production_settings(monkeypatch)
    text = production_settings(monkeypatch, LOG_FORMAT="text")

    assert default.LOG_FORMAT == "json"
    assert default.LOGGING["handlers"]["console"]["formatter"] == "json"
    assert default.LOGGING["handlers"]["console"]["stream"] == "ext://sys.stdout"
    assert text.LOGGING["handlers"]["console"]["formatter"] == "text"


def test_text_logs_can_be_chosen_and_a_bad_format_is_refused() -> None:
    assert base.logging_settings("text")["handlers"]["console"]["formatter"] == "text"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be json or text, not 'xml'"):
        base.logging_settings("xml")
