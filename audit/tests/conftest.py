"""Fixtures of the audit trail's tests: a workspace with an admin, logged in to the API."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.tests.factories import MembershipFactory, UserFactory
from workspaces.models import Membership, Role, Workspace
from workspaces.services import workspace_default


@pytest.fixture
def workspace(db: None) -> Workspace:
    """The default workspace: the one the API serves until it names others."""
    return workspace_default()


@pytest.fixture
def admin_member(workspace: Workspace) -> Membership:
    """An admin of the default workspace."""
    return MembershipFactory.create(workspace=workspace, user=UserFactory.create(username="alice"), role=Role.ADMIN)


@pytest.fixture
def admin_api(admin_member: Membership) -> APIClient:
    """The API, logged in as the workspace's admin."""
    api = APIClient()
    api.force_login(admin_member.user)
    return api


@pytest.fixture
def superuser(db: None) -> User:
    """A superuser for the admin site."""
    return User.objects.create_superuser("root", "root@example.org", "a-long-password-9")
