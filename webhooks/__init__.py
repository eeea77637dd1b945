"""Webhooks: signed HTTP POSTs to subscribers' URLs when Folio's numbers move."""
