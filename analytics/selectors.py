"""Reads about the warehouse that the API, commands and tasks share."""

from analytics.models import Generation, GenerationStatus


def current_generation(using: str = "default") -> Generation | None:
    """The newest published generation: what the API serves."""
    return Generation.objects.using(using).filter(status=GenerationStatus.PUBLISHED).order_by("-number").first()


def recent_generations(limit: int = 10) -> list[Generation]:
    """The latest load attempts, newest first, whatever their status."""
    return list(Generation.objects.order_by("-id")[:limit])
