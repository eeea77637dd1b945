"""Sign-ins, sign-outs and failed sign-ins from Django's auth signals: the API's login, the
admin's and single sign-on all end in `login()` or `authenticate()`, which send them."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import SIGNIN, SIGNIN_FAILED, SIGNOUT, audit_signin_record


@receiver(user_logged_in, dispatch_uid="audit_signin")
def signin_recorded(sender: type, user: AbstractBaseUser, **kwargs: Any) -> None:
    """Record a successful sign-in."""
    audit_signin_record(event=SIGNIN, user=user)


@receiver(user_logged_out, dispatch_uid="audit_signout")
def signout_recorded(sender: type, user: AbstractBaseUser | None, **kwargs: Any) -> None:
    """Record a sign-out (of a signed-in user; Django sends None for an anonymous one)."""
    if user is not None:
        audit_signin_record(event=SIGNOUT, user=user)


@receiver(user_login_failed, dispatch_uid="audit_signin_failed")
def signin_failure_recorded(sender: str, credentials: dict[str, Any], **kwargs: Any) -> None:
    """Record a failed sign-in with the username tried (Django has already masked the password)."""
    username = str(credentials.get("username") or credentials.get("email") or "")
    audit_signin_record(event=SIGNIN_FAILED, user=None, username=username)
