"""Session login and logout for the dashboard, the sign-in options it shows, and personal API tokens for scripts."""

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import User
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import (
    AuthenticationFailed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.params import AsciiIntegerField
from analytics.api.permissions import RoleAllowed
from analytics.api.serializers import ErrorSerializer
from analytics.api.workspace import request_membership, request_membership_or_none
from analytics.client_address import client_address
from analytics.models import ApiToken
from analytics.permissions import EXPORT, GENERATE, IMPORT, MEMBERS, SYNC
from analytics.selectors import api_token_is_active, api_tokens_of
from analytics.services.import_jobs import IMPORT_KINDS
from analytics.services.logins import LoginLocked, login_failure_record, login_lock_check, login_success_record
from analytics.services.tokens import ApiTokenLifetimeInvalid, ApiTokenParentEnded, api_token_create, api_token_revoke
from workspaces.sign_on import sign_on_providers

WRONG_CREDENTIALS = "Wrong username or password."
NO_SUCH_TOKEN = "No such token."
PASSWORD_LOGIN_OFF = "Password sign-in is switched off here; sign in with single sign-on."


class CsrfSerializer(serializers.Serializer):
    csrf_token = serializers.CharField(help_text="Send it back as the X-CSRFToken header on unsafe requests.")


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class SignOnProviderSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The provider's id in Folio's callback URL.")
    name = serializers.CharField(help_text="What the sign-in button says.")
    login_url = serializers.CharField(
        help_text="Starts the sign-in: POST to it with the csrfmiddlewaretoken field (and `next`, a local path)."
    )


class SignInOptionsSerializer(serializers.Serializer):
    password = serializers.BooleanField(help_text="Whether /api/auth/login/ accepts a username and password.")
    providers = SignOnProviderSerializer(many=True, help_text="The single sign-on providers switched on.")


class AllowedActionsSerializer(serializers.Serializer):
    run_sync = serializers.BooleanField(help_text="May start a warehouse sync (analyst or admin).")
    generate_data = serializers.BooleanField(help_text="May generate test sales data (analyst or admin).")
    imports = serializers.ListField(
        child=serializers.ChoiceField(choices=list(IMPORT_KINDS)),
        help_text="The kinds of file the user may import (every kind for an analyst or admin).",
    )
    export = serializers.BooleanField(help_text="May download answers as CSV or XLSX (analyst or admin).")
    manage_members = serializers.BooleanField(help_text="May manage members, invitations and every token (admin).")


class WorkspaceRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CurrentUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    is_staff = serializers.BooleanField()
    workspace = WorkspaceRefSerializer(
        allow_null=True, help_text="The workspace the session or token acts in; null for a member of none."
    )
    role = serializers.ChoiceField(
        choices=["viewer", "analyst", "admin"], allow_null=True, help_text="The user's role in that workspace."
    )
    can = AllowedActionsSerializer(
        source="*", help_text="What the user may do in the workspace: the dashboard shows only those actions."
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    """A personal API token as its owner sees it in a list; never the token itself."""

    active = serializers.SerializerMethodField(help_text="Neither revoked nor expired: the token authenticates.")
    owner = serializers.CharField(source="user.username", read_only=True, help_text="The token owner's username.")

    class Meta:
        model = ApiToken
        fields: tuple[str, ...] = (
            "id",
            "owner",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_active(self, token: ApiToken) -> bool:
        """Whether the token still authenticates."""
        return api_token_is_active(token)


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What the token is for.")
    days = AsciiIntegerField(
        required=False,
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        help_text=(
            f"How many days the token lives; {settings.API_TOKEN_DEFAULT_DAYS} when omitted. A token created "
            "with another token expires no later than it and is revoked with it."
        ),
    )


# Declares the 201 answer for the schema only: the view adds "token" to ApiTokenSerializer's
# output, since the plaintext is never an attribute of the row.
class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """A new token as listed, plus the token itself, which no later answer shows again."""

    token = serializers.CharField(read_only=True, help_text="The token itself. It is shown only in this answer.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = fields


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_LOGGED_IN = _error("No valid session or token.")
CSRF_FAILED = _error("CSRF check failed: session callers send the X-CSRFToken header.")


def _caller(request: Request) -> User:
    """The logged-in caller of a view that keeps the default IsAuthenticated permission."""
    user = request.user
    if not user.is_authenticated:  # the permission refused the request before the view ran
        raise NotAuthenticated()
    return user


def _current_user(request: Request) -> dict:
    user = request.user
    membership = request_membership_or_none(request)
    allowed = {
        "run_sync": SYNC.allowed(membership),
        "generate_data": GENERATE.allowed(membership),
        "imports": list(IMPORT_KINDS) if IMPORT.allowed(membership) else [],
        "export": EXPORT.allowed(membership),
        "manage_members": MEMBERS.allowed(membership),
    }
    where = (
        {"workspace": {"slug": membership.workspace.slug, "name": membership.workspace.name}, "role": membership.role}
        if membership is not None
        else {"workspace": None, "role": None}
    )
    return CurrentUserSerializer({"username": user.username, "is_staff": user.is_staff, **where, **allowed}).data


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfView(APIView):
    """Sets the CSRF cookie a browser needs before it logs in or changes anything."""

    permission_classes = (AllowAny,)

    @extend_schema(
        tags=["auth"],
        summary="Get a CSRF token",
        request=None,
        responses={200: CsrfSerializer, 401: _error("An Authorization header with a bad token.")},
    )
    def get(self, request: Request) -> Response:
        """The CSRF token, also set as the csrftoken cookie."""
        return Response(CsrfSerializer({"csrf_token": get_token(request)}).data)


class SignInOptionsView(APIView):
    """How one may sign in here: password and/or which single sign-on providers."""

    permission_classes = (AllowAny,)

    @extend_schema(
        tags=["auth"],
        summary="The ways to sign in",
        responses={200: SignInOptionsSerializer, 401: _error("An Authorization header with a bad token.")},
    )
    def get(self, request: Request) -> Response:
        """Whether password sign-in is on, and the single sign-on providers with their sign-in URLs."""
        options = {"password": settings.PASSWORD_LOGIN, "providers": sign_on_providers(request)}
        return Response(SignInOptionsSerializer(options).data)


class LoginView(APIView):
    """Starts a session for the dashboard."""

    permission_classes = (AllowAny,)

    @extend_schema(
        tags=["auth"],
        summary="Log in with a session",
        request=LoginSerializer,
        responses={
            200: CurrentUserSerializer,
            400: _error("Wrong username or password, or a field missing."),
            403: _error(
                "CSRF check failed (session callers send the X-CSRFToken header), or password sign-in is "
                "switched off (PASSWORD_LOGIN=false)."
            ),
            429: _error(
                "Too many failed logins for the account or from the address: no password is checked until "
                "the time in Retry-After has passed."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """Log in with username and password; answers who is now logged in."""
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied(PASSWORD_LOGIN_OFF)
        # DRF checks CSRF only for callers a session already authenticates, which leaves a
        # login form open to login CSRF (a page logging the visitor into another account).
        SessionAuthentication().enforce_csrf(request)
        credentials = LoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        username, address = credentials.validated_data["username"], client_address(request)
        try:
            login_lock_check(username=username, address=address)
        except LoginLocked as locked:
            raise Throttled(wait=locked.retry_after, detail=str(locked)) from None
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            login_failure_record(username=username, address=address)
            return Response({"detail": WRONG_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
        login_success_record(username=username)
        login(request, user)
        return Response(_current_user(request))


class LogoutView(APIView):
    """Ends the caller's session."""

    @extend_schema(
        tags=["auth"],
        summary="Log out",
        request=None,
        responses={204: None, 401: NOT_LOGGED_IN, 403: CSRF_FAILED},
    )
    def post(self, request: Request) -> Response:
        """End the session; the session cookie no longer authenticates."""
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who the caller is."""

    @extend_schema(
        tags=["auth"], summary="The current user", responses={200: CurrentUserSerializer, 401: NOT_LOGGED_IN}
    )
    def get(self, request: Request) -> Response:
        """The user the session or token authenticates."""
        return Response(_current_user(request))


NO_WORKSPACE = _error("A member of no workspace (or no longer of the token's).")


class ApiTokenListView(APIView):
    """The caller's personal API tokens in the current workspace (an admin's: every member's)."""

    permission_classes = (IsAuthenticated, RoleAllowed)

    @extend_schema(
        tags=["tokens"],
        summary="List the API tokens of the workspace I may see",
        responses={200: ApiTokenSerializer(many=True), 401: NOT_LOGGED_IN, 403: NO_WORKSPACE},
    )
    def get(self, request: Request) -> Response:
        """The caller's tokens in the workspace (an admin sees every member's), newest first,
        revoked and expired ones included."""
        membership = request_membership(request)
        tokens = api_tokens_of(
            _caller(request), workspace_id=membership.workspace_id, everyone=MEMBERS.allowed(membership)
        )
        return Response(ApiTokenSerializer(tokens, many=True).data)

    @extend_schema(
        tags=["tokens"],
        summary="Create an API token",
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenCreatedSerializer,
            400: _error("A field is missing or out of range; the answer names it."),
            401: NOT_LOGGED_IN,
            403: _error("CSRF check failed, or a member of no workspace."),
        },
    )
    def post(self, request: Request) -> Response:
        """Create a token acting in the current workspace; the answer is the only place its
        plaintext ever appears. Created with a token, it expires no later than that token and
        is revoked with it."""
        fields = ApiTokenCreateSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        parent = request.auth if isinstance(request.auth, ApiToken) else None
        try:
            token, raw = api_token_create(
                user=_caller(request),
                workspace=request_membership(request).workspace,
                parent=parent,
                **fields.validated_data,
            )
        except ApiTokenLifetimeInvalid as error:
            raise ValidationError({"days": [str(error)]}) from error
        except ApiTokenParentEnded as error:
            raise AuthenticationFailed(str(error)) from error
        return Response({**ApiTokenSerializer(token).data, "token": raw}, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    """One of the caller's tokens in the current workspace (an admin: any of the workspace's)."""

    permission_classes = (IsAuthenticated, RoleAllowed)

    @extend_schema(
        tags=["tokens"],
        summary="Revoke an API token",
        request=None,
        responses={
            204: None,
            401: NOT_LOGGED_IN,
            403: _error("CSRF check failed, or a member of no workspace."),
            404: _error("No token of the caller's (an admin: of the workspace's) has this id."),
        },
    )
    def delete(self, request: Request, token_id: int) -> Response:
        """Revoke the token and those created with it: they stop authenticating at once and stay listed as revoked."""
        try:
            membership = request_membership(request)
            api_token_revoke(
                user=_caller(request),
                workspace_id=membership.workspace_id,
                token_id=token_id,
                any_member=MEMBERS.allowed(membership),
            )
        except ApiToken.DoesNotExist as error:
            raise NotFound(NO_SUCH_TOKEN) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
