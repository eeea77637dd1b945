"""Warehouse load generations, recorded in the transactional database.

Each sync attempt is a row: running, then published (its data now serves the API) or
failed (with the error; nothing was published). The API reads the newest published
generation; its number is part of every cache key.
"""

from django.db import models


class GenerationStatus(models.TextChoices):
    """Where a load attempt got to."""

    RUNNING = "running", "Running"
    PUBLISHED = "published", "Published"
    EXPORTED = "exported", "Exported to the lake, not loaded"
    FAILED = "failed", "Failed"


class Generation(models.Model):
    """One export + load attempt; `number` is set only when it publishes."""

    number = models.PositiveBigIntegerField(unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=GenerationStatus.choices, default=GenerationStatus.RUNNING)
    backend = models.CharField(max_length=20, help_text="duckdb, postgresql or redshift")
    full_refresh = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    watermark = models.JSONField(default=dict, help_text="Per source table: the export's upper bound (ISO time).")
    rows = models.JSONField(default=dict, help_text="Per warehouse table: rows exported and rows after the load.")
    totals = models.JSONField(default=dict, help_text="Per warehouse table: money totals after the load.")
    timings = models.JSONField(default=dict, help_text="Seconds per step.")
    location = models.CharField(max_length=500, blank=True, help_text="Where this generation's data lives.")
    lake_prefix = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-number"], name="generation_status_number")]

    def __str__(self) -> str:
        return f"Generation {self.number or '-'} ({self.status}, attempt {self.pk})"
