"""Single sign-on admission: who may sign in through Google or an OpenID Connect provider.

It lives with workspaces because its rule is theirs: nobody joins a workspace uninvited.
An identity signs in only with an email address its provider marks verified. It becomes
the Folio user who has that email (connected on the first sign-in), or a new user when a
pending invitation names the email; anybody else is refused and no user row is written.
Every sign-in then turns the pending invitations of the email into memberships.
"""

from dataclasses import dataclass

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, get_adapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib.auth.models import AbstractBaseUser, User
from django.http import HttpRequest
from django.shortcuts import render

from workspaces.services import invitations_accept, invited

REFUSED_TEMPLATE = "workspaces/sign_on_refused.html"


@dataclass(frozen=True)
class SignOnProvider:
    """A configured identity provider as the sign-in page shows it."""

    id: str
    name: str
    login_url: str


def sign_on_providers(request: HttpRequest) -> list[SignOnProvider]:
    """The providers the settings switch on, in allauth's order, each with the URL that
    starts its sign-in (POST, with the CSRF token)."""
    return [
        SignOnProvider(id=provider.sub_id, name=provider.name, login_url=provider.get_login_url(request))
        for provider in get_adapter(request).list_providers(request)
        if provider.app is not None
    ]


def verified_email(sociallogin: SocialLogin) -> str | None:
    """The first email address the provider says it has verified, or None."""
    return next((address.email for address in sociallogin.email_addresses if address.verified), None)


def _refused(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    # 403 with a page of Folio's own: the reader sees why and who can fix it.
    return ImmediateHttpResponse(render(request, REFUSED_TEMPLATE, {"message": message}, status=403))


def _provider_name(sociallogin: SocialLogin) -> str:
    return str(sociallogin.provider.name)


class InvitedOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social sign-in, admitting verified emails of Folio users and of invitations only."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse an unverified or uninvited identity; connect a verified one to the Folio user
        with its email; accept the email's pending invitations for an existing user."""
        email = verified_email(sociallogin)
        if email is None:
            shown = sociallogin.email_addresses[0].email if sociallogin.email_addresses else None
            raise _refused(
                request,
                f"{_provider_name(sociallogin)} did not say that {shown} is a verified email address; "
                "Folio accepts single sign-on only with a verified one."
                if shown
                else f"{_provider_name(sociallogin)} did not share an email address; Folio needs a verified one.",
            )
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            return  # a signed-in user adds an identity to their own account (allauth's connections page)
        if not sociallogin.is_existing:
            # User.email is not unique in Django: two accounts with it are not guessed between.
            users = list(User.objects.filter(email__iexact=email)[:2])
            if len(users) > 1:
                raise _refused(
                    request, f"Several Folio accounts have the email {email}; ask an admin to keep only one."
                )
            if users:
                # Folio's accounts are made by admins, so the local password is kept (allauth's
                # own email authentication would wipe it against accounts pre-registered by others).
                sociallogin.connect(request, users[0])
            elif not invited(email):
                raise _refused(request, f"No invitation for {email}; ask an admin of your workspace to invite you.")
        if sociallogin.is_existing:
            user = sociallogin.user
            assert isinstance(user, User)  # is_existing means a saved row
            invitations_accept(user=user, email=email)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Only an invited, verified email may become a new user."""
        email = verified_email(sociallogin)
        return email is not None and invited(email)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: object = None) -> AbstractBaseUser:
        """Create the invited user (no usable password) and make them a member of where they are invited."""
        user = super().save_user(request, sociallogin, form)
        email = verified_email(sociallogin)
        assert email is not None  # is_open_for_signup admitted only a verified email
        invitations_accept(user=user, email=email)
        return user
