"""Writes to finance records: deletes with tombstones, and the finance data generator."""
