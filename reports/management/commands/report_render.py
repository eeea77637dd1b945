"""`manage.py report_render --username NAME --page / [--param value …] --format pdf|png --output FILE
[--workspace SLUG]`: print a dashboard page as a PDF or PNG report would, signed in as that
member, without sending anything. For operators checking that a worker's Chromium, its fonts
and FOLIO_BASE_URL serve reports (the image test runs it inside the container)."""

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.arguments import workspace_option_resolve
from reports.models import FORMATS_OF, PAGES, Target
from reports.rendering import RenderFailed, page_render
from workspaces.models import DEFAULT_SLUG, Membership


class Command(BaseCommand):
    help = (__doc__ or "").split("\n\n")[0]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="The member the page is printed for (their scope).")
        parser.add_argument("--page", required=True, choices=PAGES, help="The dashboard page.")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A filter as the page's URL holds it, e.g. region=US (repeat for more).",
        )
        parser.add_argument("--format", required=True, choices=[str(fmt) for fmt in FORMATS_OF[Target.PAGE]])
        parser.add_argument("--output", required=True, type=Path, help="Where the file is written.")
        parser.add_argument("--workspace", default=DEFAULT_SLUG, help="The workspace's slug (default: the default).")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = workspace_option_resolve(options["workspace"])
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"--username: no active user {options['username']!r}.")
        if not Membership.objects.filter(workspace=workspace, user=user).exists():
            raise CommandError(f"--username: {user.username} is not a member of workspace {workspace.slug!r}.")
        params: dict[str, list[str]] = {}
        for pair in options["param"]:
            name, equals, value = pair.partition("=")
            if not equals or not name:
                raise CommandError(f"--param: expected NAME=VALUE, got {pair!r}.")
            params.setdefault(name, []).append(value)
        try:
            rendered = page_render(
                user=user,
                workspace_id=workspace.pk,
                page=options["page"],
                params=params,
                fmt=options["format"],
                name=f"{workspace.slug} {options['page']}",
            )
        except RenderFailed as failure:
            raise CommandError(str(failure)) from None
        options["output"].write_bytes(rendered.content)
        self.stdout.write(f"Wrote {options['output']} ({len(rendered.content):,} bytes, {rendered.content_type}).")
