"""The warehouse: one star schema, the same on DuckDB, PostgreSQL and Redshift."""
