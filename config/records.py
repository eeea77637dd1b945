"""What books and finance share about rows the warehouse copies (neither app imports the other).

`Tracked` gives a model the `updated_at` that, with `id`, forms the sync's compound cursor;
`TombstoneBase` is the table of deleted keys; `records_delete` deletes and leaves the
tombstones in one transaction.
"""

from django.db import models, transaction
from django.utils import timezone

DELETE_CHUNK = 10_000  # under SQLite's 32,766 bound parameters per statement


class Tracked(models.Model):
    """A row the warehouse copies: `updated_at` with `id` is the sync's compound cursor."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["updated_at", "id"], name="%(app_label)s_%(class)s_cursor")]


class TombstoneBase(models.Model):
    """The key of a deleted row, kept so the next warehouse sync deletes it too."""

    table = models.CharField(max_length=40, help_text="The model's name, e.g. sale or ledgerentry.")
    object_id = models.BigIntegerField()
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["deleted_at", "id"], name="%(app_label)s_tombstone_cursor")]

    def __str__(self) -> str:
        return f"{self.table} {self.object_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"


def records_delete(*, queryset: models.QuerySet, tombstones: type[TombstoneBase]) -> int:
    """Delete the rows of a queryset and leave a tombstone for each; returns how many went.

    A protected row (a book that has sales, a department with entries) raises
    ProtectedError and nothing changes, tombstones included.
    """
    model = queryset.model
    using = queryset.db
    with transaction.atomic(using=using):
        ids = list(queryset.values_list("pk", flat=True))
        now = timezone.now()
        tombstones._default_manager.using(using).bulk_create(
            [tombstones(table=model._meta.model_name, object_id=pk, deleted_at=now) for pk in ids], batch_size=5_000
        )
        for start in range(0, len(ids), DELETE_CHUNK):
            model._default_manager.using(using).filter(pk__in=ids[start : start + DELETE_CHUNK]).delete()
    return len(ids)
