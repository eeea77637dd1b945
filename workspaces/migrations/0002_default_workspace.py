"""The default workspace, which every existing record moves into, and every existing user's
membership of it: superusers become its admins, users holding a permission to start work
(syncs, imports, data generation) analysts, the others viewers."""

from django.db import migrations

STARTS_WORK = ("run_sync", "generate_data", "import_books", "import_sales", "import_ledger", "import_statement")


def default_workspace_create(apps, schema_editor):
    Workspace = apps.get_model("workspaces", "Workspace")
    Membership = apps.get_model("workspaces", "Membership")
    User = apps.get_model("auth", "User")
    workspace, _ = Workspace.objects.get_or_create(slug="default", defaults={"name": "Default workspace"})
    for user in User.objects.all():
        if user.is_superuser:
            role = "admin"
        elif (
            user.user_permissions.filter(codename__in=STARTS_WORK).exists()
            or user.groups.filter(permissions__codename__in=STARTS_WORK).exists()
        ):
            role = "analyst"
        else:
            role = "viewer"
        Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(default_workspace_create, migrations.RunPython.noop)]
