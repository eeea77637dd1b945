"""Folio's HTTP API: analytics endpoints, accounts and tokens, schema and docs."""
