"""Session login and personal API tokens: who gets in, with what, and what is stored."""

import hashlib
from datetime import datetime, timedelta

import factory
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import include, path, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from analytics.models import ApiToken
from analytics.services.tokens import api_token_authenticate, api_token_create, api_token_revoke
from workspaces.services import member_set, workspace_default

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TOKEN_REJECTED = {"detail": "Invalid, expired or revoked API token."}
NOT_LOGGED_IN = {"detail": "Authentication credentials were not provided."}

ADA_ME = {
    "username": "ada",
    "is_staff": False,
    "workspace": {"slug": "default", "name": "Default workspace"},
    "role": "viewer",
    "can": {"run_sync": False, "generate_data": False, "imports": [], "export": False, "manage_members": False},
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"reader{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def membership(user: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        """A viewer of the default workspace (`membership="analyst"` for another role)."""
        if create:
            member_set(workspace=workspace_default(), user=user, role=extracted or "viewer")


@pytest.fixture
def ada() -> User:
    return UserFactory.create(username="ada")


@pytest.fixture
def grace() -> User:
    return UserFactory.create(username="grace")


@pytest.fixture
def ada_token(ada: User) -> tuple[ApiToken, str]:
    return api_token_create(workspace=workspace_default(), user=ada, name="laptop script")


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_anonymous_caller_gets_401_with_a_bearer_challenge() -> None:
    response = APIClient().get(reverse("auth-me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == NOT_LOGGED_IN


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_authenticates_as_its_owner(ada_token: tuple[ApiToken, str], keyword: str) -> None:
    _, raw = ada_token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")

    response = client.get(reverse("auth-me"))

    assert response.status_code == 200
    assert response.json() == ADA_ME


def test_a_token_is_stored_only_as_its_digest(ada_token: tuple[ApiToken, str]) -> None:
    token, raw = ada_token

    row = ApiToken.objects.filter(pk=token.pk).values().get()

    assert raw.startswith("folio_")
    assert len(raw) == len("folio_") + 43
    assert row["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert row["prefix"] == raw[:12]
    assert [name for name, value in row.items() if raw in str(value)] == []


def test_a_new_token_expires_after_the_default_lifetime(ada_token: tuple[ApiToken, str]) -> None:
    token, _ = ada_token

    assert token.expires_at - token.created_at == pytest.approx(timedelta(days=90), abs=timedelta(seconds=1))


@pytest.mark.parametrize("days", [0, -1, 366])
def test_a_lifetime_out_of_range_is_refused_by_the_service(ada: User, days: int) -> None:
    with pytest.raises(ValueError, match=f"between 1 and 365 days; {days} is out of range"):
        api_token_create(workspace=workspace_default(), user=ada, name="too long", days=days)

    assert ApiToken.objects.count() == 0


def test_a_revoked_token_is_refused(ada: User, ada_token: tuple[ApiToken, str]) -> None:
    token, raw = ada_token
    api_token_revoke(workspace_id=workspace_default().pk, user=ada, token_id=token.pk)

    response = bearer(raw).get(reverse("auth-me"))

    assert response.status_code == 401
    assert response.json() == TOKEN_REJECTED


def test_an_expired_token_is_refused(ada_token: tuple[ApiToken, str]) -> None:
    token, raw = ada_token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = bearer(raw).get(reverse("auth-me"))

    assert response.status_code == 401
    assert response.json() == TOKEN_REJECTED


def test_the_token_of_a_deactivated_user_is_refused(ada: User, ada_token: tuple[ApiToken, str]) -> None:
    _, raw = ada_token
    ada.is_active = False
    ada.save(update_fields=["is_active"])

    response = bearer(raw).get(reverse("auth-me"))

    assert response.status_code == 401
    assert response.json() == TOKEN_REJECTED


@pytest.mark.parametrize("header", ["Bearer folio_not-a-real-token", "Bearer", "Bearer two parts", "Token ¤"])
def test_a_malformed_or_unknown_token_is_refused(header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(reverse("auth-me"))

    assert response.status_code == 401
    assert response.json() == TOKEN_REJECTED


def test_revoking_twice_keeps_the_first_revocation_time(ada: User, ada_token: tuple[ApiToken, str]) -> None:
    token, _ = ada_token
    first = api_token_revoke(workspace_id=workspace_default().pk, user=ada, token_id=token.pk).revoked_at

    second = api_token_revoke(workspace_id=workspace_default().pk, user=ada, token_id=token.pk).revoked_at

    assert second == first
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_last_use_is_recorded_at_most_once_a_minute(ada_token: tuple[ApiToken, str]) -> None:
    token, raw = ada_token
    authenticated = api_token_authenticate(raw=raw)
    assert authenticated is not None and authenticated.last_used_at is not None
    first_use = authenticated.last_used_at
    half_a_minute_ago = first_use - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=half_a_minute_ago)
    cache.clear()  # as if the remembered lookup had expired: the next one reads the row

    api_token_authenticate(raw=raw)
    within_the_minute = ApiToken.objects.get(pk=token.pk).last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    cache.clear()
    api_token_authenticate(raw=raw)
    after_the_minute = ApiToken.objects.get(pk=token.pk).last_used_at

    assert within_the_minute == half_a_minute_ago
    assert after_the_minute is not None and after_the_minute >= first_use


def test_the_list_shows_only_the_callers_tokens_without_digest(
    ada: User, grace: User, ada_token: tuple[ApiToken, str]
) -> None:
    token, raw = ada_token
    api_token_create(workspace=workspace_default(), user=grace, name="grace's token")

    response = bearer(raw).get(reverse("token-list"))

    token.refresh_from_db()
    assert token.last_used_at is not None  # the bearer request just used it
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": token.pk,
            "owner": "ada",
            "name": "laptop script",
            "prefix": raw[:12],
            "created_at": iso(token.created_at),
            "expires_at": iso(token.expires_at),
            "last_used_at": iso(token.last_used_at),
            "revoked_at": None,
            "active": True,
        }
    ]


def test_the_list_marks_revoked_and_expired_tokens_inactive(ada: User) -> None:
    revoked, _ = api_token_create(workspace=workspace_default(), user=ada, name="revoked")
    api_token_revoke(workspace_id=workspace_default().pk, user=ada, token_id=revoked.pk)
    expired, _ = api_token_create(workspace=workspace_default(), user=ada, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client = APIClient()
    client.force_login(ada)

    response = client.get(reverse("token-list"))

    assert response.status_code == 200
    assert [(row["name"], row["active"]) for row in response.json()] == [("expired", False), ("revoked", False)]


def test_creating_a_token_shows_the_plaintext_once_and_it_works(ada: User) -> None:
    client = APIClient()
    client.force_login(ada)

    response = client.post(reverse("token-list"), {"name": "nightly export", "days": 7}, format="json")

    body = response.json()
    token = ApiToken.objects.get()
    assert response.status_code == 201
    assert body == {
        "id": token.pk,
        "owner": "ada",
        "name": "nightly export",
        "prefix": body["token"][:12],
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": None,
        "revoked_at": None,
        "active": True,
        "token": body["token"],
    }
    assert token.digest == hashlib.sha256(body["token"].encode()).hexdigest()
    assert token.expires_at - token.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=1))
    assert bearer(body["token"]).get(reverse("auth-me")).json() == ADA_ME
    assert set(client.get(reverse("token-list")).json()[0]) == set(body) - {"token"}


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (366, "Ensure this value is less than or equal to 365."),
        ("soon", "A valid integer is required."),
    ],
)
def test_a_bad_lifetime_is_a_400_naming_days(ada: User, days: object, message: str) -> None:
    client = APIClient()
    client.force_login(ada)

    response = client.post(reverse("token-list"), {"name": "bad", "days": days}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": f"Invalid days: {message}", "errors": {"days": [message]}}
    assert ApiToken.objects.count() == 0


def test_a_token_name_is_required(ada: User) -> None:
    client = APIClient()
    client.force_login(ada)

    response = client.post(reverse("token-list"), {"days": 7}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid name: This field is required.",
        "errors": {"name": ["This field is required."]},
    }


def test_revoking_a_token_stops_it_at_once(ada_token: tuple[ApiToken, str]) -> None:
    token, raw = ada_token
    client = bearer(raw)

    response = client.delete(reverse("token-detail", args=[token.pk]))

    assert response.status_code == 204
    assert client.get(reverse("auth-me")).status_code == 401
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_revoking_someone_elses_token_is_a_404_and_leaves_it_working(
    grace: User, ada_token: tuple[ApiToken, str]
) -> None:
    token, raw = ada_token
    client = APIClient()
    client.force_login(grace)

    response = client.delete(reverse("token-detail", args=[token.pk]))

    assert response.status_code == 404
    assert response.json() == {"detail": "No such token."}
    assert bearer(raw).get(reverse("auth-me")).json() == ADA_ME


def test_revoking_an_unknown_token_is_a_404(ada: User) -> None:
    client = APIClient()
    client.force_login(ada)

    response = client.delete(reverse("token-detail", args=[999_999]))

    assert response.status_code == 404
    assert response.json() == {"detail": "No such token."}


def test_login_with_a_wrong_password_is_refused(ada: User) -> None:
    client = APIClient()

    response = client.post(reverse("auth-login"), {"username": "ada", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Wrong username or password."}
    assert client.get(reverse("auth-me")).status_code == 401


def test_login_starts_a_session_that_authenticates(ada: User) -> None:
    client = APIClient()

    response = client.post(reverse("auth-login"), {"username": "ada", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert response.json() == ADA_ME
    assert client.get(reverse("auth-me")).json() == ADA_ME


def test_login_needs_the_csrf_token(ada: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    credentials = {"username": "ada", "password": PASSWORD}

    refused = client.post(reverse("auth-login"), credentials, format="json")
    csrf_token = client.get(reverse("auth-csrf")).json()["csrf_token"]
    accepted = client.post(reverse("auth-login"), credentials, format="json", HTTP_X_CSRFTOKEN=csrf_token)

    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
    assert accepted.status_code == 200


def test_the_csrf_endpoint_sets_the_cookie() -> None:
    client = APIClient()

    response = client.get(reverse("auth-csrf"))

    assert response.status_code == 200
    assert response.cookies["csrftoken"].value != ""
    assert set(response.json()) == {"csrf_token"}


def test_a_session_post_needs_the_csrf_header(ada: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ada)
    body = {"name": "from the dashboard"}

    refused = client.post(reverse("token-list"), body, format="json")
    csrf_token = client.get(reverse("auth-csrf")).json()["csrf_token"]
    accepted = client.post(reverse("token-list"), body, format="json", HTTP_X_CSRFTOKEN=csrf_token)

    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF Failed: CSRF cookie not set."}
    assert accepted.status_code == 201
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["from the dashboard"]


def test_a_token_post_needs_no_csrf_header(ada_token: tuple[ApiToken, str]) -> None:
    _, raw = ada_token
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = client.post(reverse("token-list"), {"name": "minted by a script"}, format="json")

    assert response.status_code == 201


def test_logout_ends_the_session(ada: User) -> None:
    client = APIClient()
    client.force_login(ada)

    response = client.post(reverse("auth-logout"))

    assert response.status_code == 204
    assert client.get(reverse("auth-me")).status_code == 401


def test_the_schema_describes_the_token_as_a_bearer_scheme() -> None:
    generator = SchemaGenerator(patterns=[path("api/", include("analytics.api.account_urls"))])

    schema = generator.get_schema(request=None, public=True)

    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "folio_…",
        "description": "A personal API token from POST /api/tokens/, sent as `Authorization: Bearer folio_…`.",
    }
    assert schema["paths"]["/api/tokens/"]["post"]["security"] == [{"apiToken": []}, {"cookieAuth": []}]
