"""Writes to book-sales records: create, update, delete (with tombstones), bulk load, generate."""
