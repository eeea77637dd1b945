"""The claims the test provider tells about a user: email, whether it is verified, and names."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED_GROUP = "unverified-email"


class ClaimsValidator(OAuth2Validator):
    """Email and name claims; a user in the "unverified-email" group has email_verified false."""

    def get_additional_claims(self, request: Any) -> dict[str, object]:
        """The claims beyond "sub", for the ID token and the userinfo answer."""
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.groups.filter(name=UNVERIFIED_GROUP).exists(),
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
            "preferred_username": user.username,
        }
