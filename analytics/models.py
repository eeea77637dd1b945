"""Warehouse load generations, recorded in the transactional database.

Each sync attempt is a row: running, then published (its data now serves the API) or
failed (with the error; nothing was published). The API reads the newest published
generation; its number is part of every cache key.
"""

from django.conf import settings
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
    schema_version = models.PositiveSmallIntegerField(
        default=1, help_text="The warehouse schema it was loaded with; a newer schema forces a full rebuild."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    watermark = models.JSONField(default=dict, help_text="Per source table: the export's upper bound (ISO time).")
    rows = models.JSONField(default=dict, help_text="Per warehouse table: rows exported and rows after the load.")
    totals = models.JSONField(default=dict, help_text="Per warehouse table: money totals after the load.")
    timings = models.JSONField(default=dict, help_text="Seconds per step.")
    location = models.CharField(max_length=500, blank=True, help_text="Where this generation's data lives.")
    lake_prefix = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    note = models.TextField(
        blank=True, help_text="Why the load was built as it was: a self-healing full rebuild, a rebuild from the lake."
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per workspace id: the domains (sales, ledger, statement) the generation changed, each with the"
        " dates its changed facts span (null: any date). What the live events tell open dashboards.",
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-number"], name="generation_status_number")]

    def __str__(self) -> str:
        return f"Generation {self.number or '-'} ({self.status}, attempt {self.pk})"


class SyncRequest(models.Model):
    """The one row through which writes in every process (web, worker, commands) ask for a
    warehouse sync: at most one requested sync waits at a time (`queued_at` set), whatever
    the write rate. A conditional UPDATE of this row decides which request queues the task;
    the database is the one thing every process shares, with or without a server."""

    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the waiting sync was queued; empty: none waits."
    )
    due_at = models.DateTimeField(null=True, blank=True, help_text="When the waiting sync is due to start.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the last requested sync started.")
    enqueued = models.PositiveBigIntegerField(default=0, help_text="Syncs queued by writes so far.")

    def __str__(self) -> str:
        return f"Sync request (queued {self.queued_at or 'none'}, {self.enqueued} queued so far)"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token itself is shown
    once, when it is created. A token stops working when it expires or is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # A token acts in one workspace, with its owner's role there (checked on every request).
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="What the token is for, as its owner named it.")
    prefix = models.CharField(max_length=16, help_text="The token's first characters, to recognise it in a list.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the whole token, hex.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The token a token-authenticated request created this one with: it expires no later
    # than its parent and is revoked (or deleted) with it, so a leaked short-lived token
    # cannot leave behind a longer-lived one.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="The token that created this one, if a token did; it ends with its parent.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class JobStatus(models.TextChoices):
    """Where a background job got to."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """A long task started from the API (test-data generation, imports): its parameters,
    status, result counts and error, so the caller can poll a status URL."""

    kind = models.CharField(max_length=40)
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    parameters = models.JSONField(default=dict)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        # What staff may start, each granted on its own (superusers hold all): being staff
        # only opens the admin. One permission per import kind, since the book catalogue
        # and the city's ledger are kept by different people. analytics/permissions.py
        # names them for the API and the admin.
        permissions = [
            ("run_sync", "Can start a warehouse sync"),
            ("generate_data", "Can generate test sales data"),
            ("import_books", "Can import the book catalogue"),
            ("import_sales", "Can import sales"),
            ("import_ledger", "Can import the city ledger"),
            ("import_statement", "Can import the compte de résultat"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
