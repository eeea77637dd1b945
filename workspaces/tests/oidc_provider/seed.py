"""Registers Folio as a confidential client and creates the provider's users (JSON on stdin).

Run as `python -m workspaces.tests.oidc_provider.seed < spec.json` after `migrate`.
"""

import json
import os
import sys

import django


def main() -> None:
    """Read the spec and write the application and users."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workspaces.tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    from workspaces.tests.oidc_provider.validators import UNVERIFIED_GROUP

    spec = json.load(sys.stdin)
    Application.objects.update_or_create(
        client_id=spec["client_id"],
        defaults={
            "name": "Folio",
            "client_secret": spec["client_secret"],  # hashed on save
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": spec["redirect_uri"],
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": False,  # the consent page is shown and clicked
        },
    )
    unverified, _ = Group.objects.get_or_create(name=UNVERIFIED_GROUP)
    for person in spec["users"]:
        user = User.objects.create_user(
            person["username"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        if not person.get("verified", True):
            user.groups.add(unverified)


if __name__ == "__main__":
    main()
