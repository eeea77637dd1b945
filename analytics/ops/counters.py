"""The metrics counted where things happen (web processes): request latency, cache hits and
misses. Kept apart from the collectors (analytics.ops.metrics) so that the runner can count
without importing them. See analytics.ops.metrics for how several processes add up.
"""

from prometheus_client import Counter, Histogram, disable_created_metrics

# Seconds. API answers take milliseconds from the cache and up to API_QUERY_TIMEOUT_SECONDS.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# The _created series (when each counter was first used) mean nothing across worker processes.
disable_created_metrics()

REQUEST_SECONDS = Histogram(
    "folio_http_request_duration_seconds",
    "Time to answer an HTTP request, by route (the URL pattern, never the raw path) and status.",
    ["endpoint", "status"],
    buckets=REQUEST_BUCKETS,
)
CACHE_HITS = Counter("folio_cache_hits", "Analytics answers served from the cache, by question.", ["endpoint"])
CACHE_MISSES = Counter("folio_cache_misses", "Analytics answers computed by the warehouse, by question.", ["endpoint"])


def cache_counted(endpoint: str, *, hit: bool) -> None:
    """Count one analytics answer found in the cache (hit) or computed (miss)."""
    (CACHE_HITS if hit else CACHE_MISSES).labels(endpoint=endpoint).inc()
