"""Workspaces: who owns which records, and who may see them in what role."""

from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """The tenancy app: workspaces, memberships with roles, invitations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workspaces"
