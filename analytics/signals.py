"""Cache invalidation for what the ORM changes outside the token services: a token saved or
deleted (the admin, a cascade from its owner or its parent, a shell) and a user saved
(deactivated in the admin) must stop being remembered as authenticating. The receivers
only call the token services; they hold no other logic."""

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models.signals import post_delete, post_save

from analytics.models import ApiToken
from analytics.services.tokens import api_tokens_forget, api_tokens_of_user_forget


def api_token_changed(sender: type, instance: ApiToken, **kwargs: object) -> None:
    """A token was saved or deleted: forget its remembered lookup."""
    api_tokens_forget(digests=[instance.digest])


def user_saved(
    sender: type, instance: AbstractBaseUser, update_fields: frozenset[str] | None = None, **kwargs: object
) -> None:
    """A user was saved (perhaps deactivated): forget their remembered tokens. A login,
    which saves only last_login, changes nothing a token depends on."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    api_tokens_of_user_forget(user_id=instance.pk)


def signals_connect() -> None:
    """Connect the receivers (from AnalyticsConfig.ready, once the user model is known)."""
    post_save.connect(api_token_changed, sender=ApiToken, dispatch_uid="analytics.api_token_saved")
    post_delete.connect(api_token_changed, sender=ApiToken, dispatch_uid="analytics.api_token_deleted")
    post_save.connect(user_saved, sender=get_user_model(), dispatch_uid="analytics.user_saved")
