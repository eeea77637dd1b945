"""A paginator for admin changelists over tables of millions of rows.

Django's admin counts the whole filtered queryset on every page; on 10M sales that COUNT(*)
is a sequential scan of seconds. This paginator counts at most `CAP + 1` rows (a LIMITed
subquery, a few milliseconds), shows "more than CAP" beyond that, and still lets the user
page through the first pages and narrow the list with filters and search.
"""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts up to CAP + 1 rows; a changelist over a huge table then costs a bounded query."""

    object_list: QuerySet[Any]  # the admin pages querysets, never plain sequences

    @cached_property
    def count(self) -> int:
        """The number of rows, or CAP + 1 when there are more than CAP."""
        return len(self.object_list.values_list("pk", flat=True)[: CAP + 1])

    @property
    def is_capped(self) -> bool:
        """Whether there are more rows than were counted (the admin then says "more than")."""
        return self.count > CAP

    @property
    def cap_label(self) -> str:
        """The cap as people read it, e.g. 10,000."""
        return f"{CAP:,}"
