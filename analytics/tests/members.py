"""Users who are members of a workspace with a role, and API clients acting as them."""

from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from workspaces.models import Workspace
from workspaces.services import member_set, workspace_default


def member_user(
    username: str,
    *,
    role: str | None = None,
    workspace: Workspace | None = None,
    regions: list[str] | None = None,
    departments: list[int] | None = None,
    password: str | None = None,
    **fields: Any,
) -> User:
    """A new user (password `<username>-password` unless given) who is a member of the workspace
    (default: the default one) with the role (default: admin for a superuser, as the migration
    made them, else analyst)."""
    user = User.objects.create_user(username, password=password or f"{username}-password", **fields)
    role = role or ("admin" if fields.get("is_superuser") else "analyst")
    member_set(
        workspace=workspace or workspace_default(),
        user=user,
        role=role,
        regions=regions,
        departments=departments,
    )
    return user


def api_as(user: User) -> APIClient:
    """An API client logged in (with a session) as the user."""
    client = APIClient()
    client.force_login(user)
    return client
