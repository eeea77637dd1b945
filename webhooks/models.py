"""A webhook (a workspace's URL subscribed to events) and its deliveries (one per event, with
every attempt counted on it)."""

import uuid

from django.conf import settings
from django.db import models


class Webhook(models.Model):
    """A URL that receives a workspace's events, signed with the webhook's own secret.

    The secret is kept as it was generated: HMAC signing needs the secret itself (a digest,
    as API tokens keep, could not sign). It is shown once, in the answer that creates the
    webhook, and never again (neither the API nor the admin nor the audit trail shows it)."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="The event names it receives.")
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True, help_text="A paused webhook receives nothing.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Webhook {self.pk} → {self.url}"


class DeliveryStatus(models.TextChoices):
    """Where a delivery got to."""

    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent to one webhook: the body as signed and sent, and every attempt at it.

    `next_attempt_at` is the source of truth for retries: the beat re-queues every pending
    delivery that is due, so a message lost with a worker is never a delivery lost."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    body = models.TextField(help_text="The JSON body exactly as sent (and signed).")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Empty once it succeeded or failed.")
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    attempt_log = models.JSONField(default=list, help_text="Each try: at, code, error, ms.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → webhook {self.webhook_id} ({self.status})"
