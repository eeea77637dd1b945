"""Reads that the API, commands and tasks share: warehouse generations and API tokens."""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from analytics.models import ApiToken, Generation, GenerationStatus, Job


def current_generation(using: str = "default") -> Generation | None:
    """The newest published generation: what the API serves."""
    return Generation.objects.using(using).filter(status=GenerationStatus.PUBLISHED).order_by("-number").first()


def recent_generations(limit: int = 10) -> list[Generation]:
    """The latest load attempts, newest first, whatever their status."""
    return list(Generation.objects.order_by("-id")[:limit])


def api_tokens_of(user: AbstractBaseUser) -> list[ApiToken]:
    """The user's API tokens, newest first, revoked and expired ones included."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


def api_token_is_active(token: ApiToken, *, at: datetime | None = None) -> bool:
    """Whether the token still authenticates: not revoked and not yet expired."""
    return token.revoked_at is None and token.expires_at > (at or timezone.now())


def job_get(job_id: int) -> Job | None:
    """A background job by id, or None."""
    return Job.objects.filter(pk=job_id).first()
