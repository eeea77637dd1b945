"""Folio's questions, declared once (catalogue) and asked through one call (ask)."""
