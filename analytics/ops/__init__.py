"""Operating Folio: request ids, JSON logs, Prometheus metrics, liveness and readiness."""
