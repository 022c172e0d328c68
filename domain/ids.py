"""Global ids outside GraphQL: webhook payloads name rows the way the API does.

`api.core.relay.to_global_id` is this function, so an id a partner receives in a webhook
is the id it passes back to `node(id:)` or any mutation.
"""

from __future__ import annotations

import base64
from uuid import UUID


def global_id(type_name: str, id: UUID) -> str:
    """base64url("<Type>:<uuid>") without padding: opaque to clients, stable for us."""
    raw = f"{type_name}:{id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
