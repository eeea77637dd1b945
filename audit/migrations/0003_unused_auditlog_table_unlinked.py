"""django-auditlog's own `auditlog_logentry` table is created by its migrations although
Folio swaps its model for audit.AuditEntry (AUDITLOG_LOGENTRY_MODEL): nothing writes it, and
Django's flush leaves it out as a swapped model's table. Its foreign keys to `auth_user` and
`django_content_type` then made every flush on PostgreSQL fail ("cannot truncate a table
referenced in a foreign key constraint"): `manage.py flush`, and every live-server and
transactional test with PostgreSQL as the default database. The empty table stays; its
foreign key constraints go. (A later django-auditlog migration that alters one of those
two columns would look for the constraint: fake it.)
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "auditlog_logentry"


def foreign_keys_drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return  # SQLite empties tables with DELETE, which these keys never refused
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    quote = schema_editor.quote_name
    for name, details in sorted(constraints.items()):
        if details["foreign_key"]:
            schema_editor.execute(f"ALTER TABLE {quote(TABLE)} DROP CONSTRAINT {quote(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(foreign_keys_drop, migrations.RunPython.noop, elidable=True)]
