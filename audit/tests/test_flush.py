"""A whole database can be emptied on PostgreSQL (`manage.py flush`, and what every
transactional and live-server test does between tests), audit trail included."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from audit.models import AuditEntry


@pytest.mark.django_db(transaction=True, databases=["default", "postgres"])
def test_flush_empties_a_postgresql_database_with_users_and_their_audit_entries(postgres_alias: str) -> None:
    ada = User.objects.db_manager(postgres_alias).create_user("ada", password="ada-password")
    User.objects.using(postgres_alias).filter(pk=ada.pk).update(first_name="Ada")

    call_command("flush", database=postgres_alias, interactive=False, verbosity=0)

    assert User.objects.using(postgres_alias).count() == 0
    assert AuditEntry.objects.using(postgres_alias).count() == 0
