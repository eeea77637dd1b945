"""Analytics: the lake export, the warehouse, and the read API over it."""
