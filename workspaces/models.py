"""Workspaces own records; users see a workspace's data through a membership with a role.

Books, authors, publishers, sales, ledger entries, budgets, statement lines, jobs and API
tokens each belong to exactly one workspace. Regions, genres, departments, funds and cost
centres are shared reference data (a country list, a shelf list, a chart of accounts):
nobody's records are in them, and what a workspace is shown of them comes from its own
facts, so one workspace never learns another's through Folio.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

DEFAULT_SLUG = "default"


class Workspace(models.Model):
    """A bookseller, a publisher group or a city's finance office: one tenant of Folio."""

    slug = models.SlugField(max_length=50, unique=True, help_text="Short name used by commands and URLs.")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "slug"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"


class Role(models.TextChoices):
    """What a member may do, each role holding everything the ones before it hold."""

    VIEWER = "viewer", "Viewer"  # reads dashboards and the API
    ANALYST = "analyst", "Analyst"  # also exports, imports and starts syncs
    ADMIN = "admin", "Admin"  # also manages members, roles and tokens


ROLE_RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ADMIN: 3}


class Membership(models.Model):
    """A user's role in a workspace, with optional row-level limits: a member limited to some
    regions (codes) or departments (codes) sees only their rows; empty lists mean all."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.VIEWER)
    regions = models.JSONField(default=list, blank=True, help_text="Region codes this member is limited to.")
    departments = models.JSONField(default=list, blank=True, help_text="Department codes this member is limited to.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "user"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_one_per_user_workspace"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.workspace_id} as {self.role}"


class Invitation(models.Model):
    """An email address an admin invited into a workspace with a role. A single sign-on
    identity with this verified email becomes a member on first sign-in; nobody else joins."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "workspace", name="invitation_one_per_email_workspace"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace_id} as {self.role}"
