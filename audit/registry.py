"""Which models the audit trail follows, and which of their fields it leaves out."""

from auditlog.registry import auditlog
from django.apps import apps

# Each: the model, and fields left out of its entries. `updated_at` changes on every save
# (the warehouse's cursor) and says nothing a reader needs; a token's digest is its secret's
# hash and its last use is touched by every request (with update(), which no entry sees anyway).
AUDITED = {
    "books.Book": ["updated_at"],
    "books.Author": ["updated_at"],
    "books.Publisher": ["updated_at"],
    "books.Sale": ["updated_at"],
    "finance.LedgerEntry": ["updated_at"],
    "finance.Budget": ["updated_at"],
    "finance.StatementLine": ["updated_at"],
    "analytics.ApiToken": ["digest", "last_used_at"],
    "workspaces.Membership": [],
    "workspaces.Invitation": [],
    "workspaces.Workspace": [],
    # What the owner set, not what each evaluation writes.
    "alerts.Alert": [
        "updated_at",
        "state",
        "last_value",
        "last_error",
        "last_evaluated_generation",
        "last_evaluated_on",
        "evaluated_at",
        "state_changed_at",
        "reminded_at",
    ],
    # What the owner set, not when the beat moves the next run.
    "reports.Subscription": ["updated_at", "next_run_at"],
    # The signing secret never enters the trail (it is shown once, when created).
    "webhooks.Webhook": ["secret"],
}


def audited_models_register() -> None:
    """Register every audited model with django-auditlog (create, update and delete signals),
    following its own columns only: the library would also list reverse relations (a
    publisher's books) as "books.Book.None"."""
    for label, excluded in AUDITED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            columns = [field.name for field in model._meta.concrete_fields if field.name not in excluded]
            auditlog.register(model, include_fields=columns)
