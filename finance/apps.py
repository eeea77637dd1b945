"""The finance app."""

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    """City ledger, budgets and statement lines."""

    name = "finance"
    verbose_name = "Public finance"
