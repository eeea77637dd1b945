"""Writes to the analytics app's own records: API tokens."""
