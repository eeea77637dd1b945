"""Every API route answers under both spellings, with and without a trailing slash.

The seed documented `/api/analytics/summary/`; Folio's routes are `/api/analytics/summary`.
A redirect from one to the other would lose a POST body, so each route is served under
both spellings by the same view, and the OpenAPI schema lists only the declared one.
"""

import functools
from collections.abc import Callable

from django.urls import URLPattern, path


def both_spellings(patterns: list[URLPattern]) -> list[URLPattern]:
    """The patterns, each followed by its other spelling (slash added or removed), unnamed
    so that reverse() keeps giving the declared one."""
    spelled: list[URLPattern] = []
    for pattern in patterns:
        route = str(pattern.pattern)
        other = route[:-1] if route.endswith("/") else f"{route}/"
        spelled += [pattern, path(other, _alternate(pattern.callback), pattern.default_args)]
    return spelled


def _alternate(view: Callable) -> Callable:
    """The same view under another name, marked so that the schema leaves it out."""

    @functools.wraps(view)
    def alternate(*args: object, **kwargs: object) -> object:
        return view(*args, **kwargs)

    alternate.alternate_spelling = True  # type: ignore[attr-defined]  # a mark schema_one_spelling reads
    return alternate


def schema_one_spelling(endpoints: list[tuple], **kwargs: object) -> list[tuple]:
    """drf-spectacular preprocessing hook: document each route under its declared spelling only."""
    return [endpoint for endpoint in endpoints if not getattr(endpoint[3], "alternate_spelling", False)]
