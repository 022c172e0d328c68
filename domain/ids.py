"""Global ids outside GraphQL: webhook payloads name rows the way the API does.

`api.core.relay.to_global_id` is this function, so an id a partner receives in a webhook
is the id it passes back to `node(id:)` or any mutation.
"""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

import sqlalchemy as sa


def global_id(type_name: str, id: UUID) -> str:
    """base64url("<Type>:<uuid>") without padding: opaque to clients, stable for us."""
    raw = f"{type_name}:{id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def sql_global_id(type_name: str, column: Any) -> Any:
    """`global_id` in SQL (the compiled read path prints ids in PostgreSQL): base64url
    without padding, and without the line breaks its base64 puts every 76 characters."""
    raw = sa.func.convert_to(sa.literal(f"{type_name}:") + sa.cast(column, sa.Text), "UTF8")
    return sa.func.translate(sa.func.encode(raw, "base64"), "+/=\n", "-_")
