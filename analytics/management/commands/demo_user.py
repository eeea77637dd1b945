"""`manage.py demo_user`: the staff account the demo signs in with (an admin of the default
workspace, where the demo's data is), printed for the user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from workspaces.models import Role
from workspaces.services import member_set, workspace_default


class Command(BaseCommand):
    """Create or reset the demo superuser, an admin of the default workspace; print its name and password."""

    help = "Create (or reset) the demo superuser and print how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        """The account's name and password."""
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="folio-demo")

    def handle(self, *args: object, **options: object) -> None:
        """Create or reset the account in one transaction."""
        username, password = str(options["username"]).strip(), str(options["password"])
        if not username:
            raise CommandError("--username must not be empty")
        if len(password) < 8:
            raise CommandError("--password must be at least 8 characters")
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
            # The API answers members only: the demo account administers the demo's workspace.
            member_set(workspace=workspace_default(), user=user, role=Role.ADMIN)
        self.stdout.write(
            f"{'Created' if created else 'Reset'} demo user: username {username!r}, password {password!r}"
        )
