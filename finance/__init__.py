"""Public finance: a city ledger, budgets and the public-sector compte de résultat."""
