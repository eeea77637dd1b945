"""The session store's one-SELECT read (config/sessions.py) on SQLite and PostgreSQL: a live
session is read whole, an expired, unknown or malformed key reads as no session."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone

from config.sessions import SessionStore

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


class SessionsOn:
    """A database router that sends the sessions to one alias."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model: type, **hints: object) -> str | None:
        return self.alias if model is Session else None

    db_for_write = db_for_read


@pytest.fixture
def sessions_on(db_alias: str):
    with override_settings(DATABASE_ROUTERS=[SessionsOn(db_alias)]):
        yield db_alias


def test_a_saved_session_is_read_back_whole(sessions_on: str) -> None:
    store = SessionStore()
    store["workspace"] = 7
    store["_auth_user_id"] = "42"
    store.create()
    key = store.session_key

    read = SessionStore(session_key=key)

    assert read["workspace"] == 7
    assert read["_auth_user_id"] == "42"
    assert read.session_key == key
    assert Session.objects.using(sessions_on).filter(session_key=key).count() == 1


def test_an_expired_session_reads_as_none_and_keeps_no_key(sessions_on: str) -> None:
    store = SessionStore()
    store["workspace"] = 7
    store.create()
    key = store.session_key
    Session.objects.using(sessions_on).filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    read = SessionStore(session_key=key)

    assert read.load() == {}
    assert read.session_key is None


@pytest.mark.parametrize("key", ["no-such-session-key-0123456789", "short", ""])
def test_an_unknown_or_malformed_key_reads_as_no_session(sessions_on: str, key: str) -> None:
    read = SessionStore(session_key=key)

    assert read.load() == {}
    assert read.session_key is None
    assert "workspace" not in read
