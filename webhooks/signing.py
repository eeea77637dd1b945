"""The signature every delivery carries: `X-Folio-Signature: sha256=<hex HMAC-SHA256 of
"<timestamp>.<raw body>">` keyed with the webhook's secret, the timestamp in `X-Folio-Timestamp`.
Signing the timestamp with the body lets a receiver refuse a replayed old request."""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def secret_generate() -> str:
    """A new webhook secret: 256 random bits, URL-safe text."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: str) -> str:
    """The X-Folio-Signature value for a body sent at `timestamp` (Unix seconds)."""
    message = f"{timestamp}.{body}".encode()
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(*, secret: str, timestamp: str, body: str, given: str, now: int, tolerance: int = 300) -> bool:
    """The receivers' check, as the README gives it: the signature matches (compared in
    constant time) and the timestamp is no more than `tolerance` seconds away from now."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=sent, body=body), given)
