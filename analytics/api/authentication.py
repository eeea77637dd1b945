"""Personal API tokens in the Authorization header, and how the OpenAPI schema describes them."""

from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from analytics.models import ApiToken
from analytics.services.tokens import api_token_authenticate

if TYPE_CHECKING:
    # Only for the annotation: importing drf_spectacular.openapi here would import DRF's views,
    # which read DEFAULT_AUTHENTICATION_CLASSES, i.e. this module, before it is defined.
    from drf_spectacular.openapi import AutoSchema

# "Token" is what DRF's own TokenAuthentication and many clients send; "Bearer" is RFC 6750.
KEYWORDS = (b"bearer", b"token")
TOKEN_REJECTED = "Invalid, expired or revoked API token."


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer folio_…` (or `Token folio_…`) authenticates as the token's owner."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:
        """The token's user and the token; None when the request carries no token at all."""
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # no token: the session authenticator, or a 401, comes next
        if len(parts) != 2:
            raise AuthenticationFailed(TOKEN_REJECTED)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed(TOKEN_REJECTED) from error
        token = api_token_authenticate(raw=raw)
        if token is None:
            raise AuthenticationFailed(TOKEN_REJECTED)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        """The WWW-Authenticate challenge; having one makes DRF answer 401 rather than 403."""
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes ApiTokenAuthentication in the schema as an HTTP bearer scheme."""

    target_class = "analytics.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict:
        """The OpenAPI security scheme object."""
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "folio_…",
            "description": "A personal API token from POST /api/tokens/, sent as `Authorization: Bearer folio_…`.",
        }
