"""The committed migrations match the models; the suite builds its SQLite and PostgreSQL
test databases by applying them, so they are known to apply on both."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
