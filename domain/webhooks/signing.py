"""The signature partners verify: HMAC-SHA256 over "<unix time>.<body>" with the
webhook's secret. The time is signed so a captured request cannot be replayed later
(receivers reject old timestamps)."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Atrium-Signature` header value: `t=<unix>,v1=<hex>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"
