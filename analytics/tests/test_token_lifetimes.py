"""What ends an API token ends it at once, with Redis and with the local-memory cache:
revoking, deleting, deactivating or deleting its owner; and a token never creates one
that outlives it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from analytics.models import ApiToken
from analytics.services.tokens import ApiTokenParentEnded, api_token_create, api_token_revoke
from analytics.tests.members import member_user
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db

TOKEN_REJECTED = {"detail": "Invalid, expired or revoked API token."}


@pytest.fixture
def ada() -> User:
    return member_user("ada", password="ada-password")


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def me_status(raw: str) -> int:
    return bearer(raw).get("/api/auth/me/").status_code


def superuser_admin() -> Client:
    client = Client()
    client.force_login(
        member_user("root", email="root@example.com", password="root-password", is_staff=True, is_superuser=True)
    )
    return client


def test_deactivating_the_owner_ends_a_token_in_use_at_once(each_cache: str, ada: User) -> None:
    _, raw = api_token_create(workspace=workspace_default(), user=ada, name="script")
    before = me_status(raw)  # remembered in the cache from now on

    ada.is_active = False
    ada.save()
    after = bearer(raw).get("/api/auth/me/")

    assert before == 200
    assert (after.status_code, after.json()) == (401, TOKEN_REJECTED)


def test_deactivating_the_owner_in_the_admin_ends_their_token_at_once(each_cache: str, ada: User) -> None:
    _, raw = api_token_create(workspace=workspace_default(), user=ada, name="script")
    before = me_status(raw)
    admin = superuser_admin()

    saved = admin.post(
        f"/admin/auth/user/{ada.pk}/change/",
        {
            "username": "ada",
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )

    assert (before, saved.status_code) == (200, 302)
    assert User.objects.get(pk=ada.pk).is_active is False
    assert me_status(raw) == 401


@pytest.mark.parametrize("how", ["instance", "queryset", "admin", "owner deleted"])
def test_deleting_a_token_in_use_ends_it_at_once(each_cache: str, ada: User, how: str) -> None:
    token, raw = api_token_create(workspace=workspace_default(), user=ada, name="script")
    before = me_status(raw)

    if how == "instance":
        token.delete()
    elif how == "queryset":
        ApiToken.objects.filter(user=ada).delete()
    elif how == "admin":
        superuser_admin().post(f"/admin/analytics/apitoken/{token.pk}/delete/", {"post": "yes"})
    else:
        ada.delete()

    assert before == 200
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert me_status(raw) == 401


def test_revoking_in_the_admin_ends_a_token_in_use_at_once(each_cache: str, ada: User) -> None:
    token, raw = api_token_create(workspace=workspace_default(), user=ada, name="script")
    before = me_status(raw)

    superuser_admin().post("/admin/analytics/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert before == 200
    assert me_status(raw) == 401


def test_with_the_local_memory_cache_a_change_made_by_another_process_ends_a_token_at_once(ada: User) -> None:
    # another web process revokes through its own per-process cache, which this one never sees:
    # here, an UPDATE that bypasses this process's cache entirely
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        token, raw = api_token_create(workspace=workspace_default(), user=ada, name="script")
        before = me_status(raw)
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        revoked = me_status(raw)
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)
        User.objects.filter(pk=ada.pk).update(is_active=False)
        deactivated = me_status(raw)

    assert (before, revoked, deactivated) == (200, 401, 401)


def test_a_token_cannot_create_a_token_that_outlives_it(each_cache: str, ada: User) -> None:
    parent, raw = api_token_create(workspace=workspace_default(), user=ada, name="one day", days=1)

    created = bearer(raw).post("/api/tokens/", {"name": "a year", "days": 365}, format="json")
    child = ApiToken.objects.get(pk=created.json()["id"])

    assert created.status_code == 201
    assert child.expires_at == parent.expires_at
    assert child.parent_id == parent.pk


def test_a_token_made_from_a_session_gets_the_lifetime_asked(ada: User) -> None:
    session = APIClient()
    session.force_login(ada)

    created = session.post("/api/tokens/", {"name": "a year", "days": 365}, format="json")
    child = ApiToken.objects.get(pk=created.json()["id"])

    assert child.parent is None
    assert timezone.now() + timedelta(days=364) < child.expires_at <= timezone.now() + timedelta(days=365)


def test_revoking_a_token_revokes_the_tokens_it_created_at_once(each_cache: str, ada: User) -> None:
    parent, raw = api_token_create(workspace=workspace_default(), user=ada, name="one day", days=1)
    child_raw = bearer(raw).post("/api/tokens/", {"name": "child", "days": 365}, format="json").json()["token"]
    grandchild_raw = bearer(child_raw).post("/api/tokens/", {"name": "grandchild"}, format="json").json()["token"]
    before = (me_status(child_raw), me_status(grandchild_raw))

    revoked = bearer(raw).delete(f"/api/tokens/{parent.pk}/")

    assert before == (200, 200)
    assert revoked.status_code == 204
    assert (me_status(raw), me_status(child_raw), me_status(grandchild_raw)) == (401, 401, 401)
    assert ApiToken.objects.filter(user=ada, revoked_at__isnull=True).count() == 0


def test_revoking_a_child_leaves_its_parent_working(ada: User) -> None:
    _, raw = api_token_create(workspace=workspace_default(), user=ada, name="parent")
    child = bearer(raw).post("/api/tokens/", {"name": "child"}, format="json").json()

    bearer(raw).delete(f"/api/tokens/{child['id']}/")

    assert (me_status(raw), me_status(child["token"])) == (200, 401)


def test_a_revoked_token_creates_nothing(ada: User) -> None:
    parent, _ = api_token_create(workspace=workspace_default(), user=ada, name="parent")
    api_token_revoke(workspace_id=workspace_default().pk, user=ada, token_id=parent.pk)

    with pytest.raises(ApiTokenParentEnded, match="has been revoked or has expired"):
        api_token_create(workspace=workspace_default(), user=ada, name="child", parent=parent)

    assert ApiToken.objects.count() == 1
