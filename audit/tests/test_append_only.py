"""On PostgreSQL the audit table itself refuses UPDATE and DELETE, whoever asks."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db(databases=["default", "postgres"])


def entry_on(alias: str, actor: User) -> AuditEntry:
    """A sign-in entry written straight into the database `alias`."""
    return AuditEntry.objects.using(alias).create(
        event="signin",
        action=AuditEntry.Action.ACCESS,
        via="api",
        content_type=ContentType.objects.db_manager(alias).get_for_model(User),
        object_pk=str(actor.pk),
        object_repr=actor.username,
        actor=actor,
        actor_name=actor.username,
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda entries: entries.update(via="forged"),
        lambda entries: entries.update(actor=None, via="forged"),
        lambda entries: entries.delete(),
    ],
    ids=["update", "update-with-actor", "delete"],
)
def test_an_entry_cannot_be_changed_or_deleted(postgres_alias: str, write: object) -> None:
    actor = User.objects.db_manager(postgres_alias).create_user("olga")
    entry = entry_on(postgres_alias, actor)

    with pytest.raises(DatabaseError, match="audit entries are append-only"), transaction.atomic(using=postgres_alias):
        write(AuditEntry.objects.using(postgres_alias).filter(pk=entry.pk))  # type: ignore[operator]

    assert AuditEntry.objects.using(postgres_alias).get(pk=entry.pk).via == "api"


def test_deleting_a_user_keeps_their_entries_with_their_name(postgres_alias: str) -> None:
    actor = User.objects.db_manager(postgres_alias).create_user("pavel")
    entry = entry_on(postgres_alias, actor)

    actor.delete()

    kept = AuditEntry.objects.using(postgres_alias).get(pk=entry.pk)
    assert (kept.actor_id, kept.actor_name, kept.via) == (None, "pavel", "api")
