"""Partner API clients' credentials: making them, and finding a client by its id.

A client id is `<tenant id as 32 hex digits>.<random>`: the token endpoint learns the
tenant from it and binds its transaction to that tenant before it reads any row, so
the credential rows stay behind the same forced RLS as all tenant data (no platform
lookup table). Secrets are 256 random bits; only their SHA-256 is stored. A fast hash
is enough for a secret that cannot be guessed, and it is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.models import api_clients, users

_CLIENT_ID = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{16})$")
# compared against when no client was found, so a miss costs what a wrong secret does
_NO_HASH = hashlib.sha256(b"no such client").hexdigest()


@dataclass(frozen=True)
class Credentials:
    client_id: str
    secret: str  # shown once, to the admin who created or rotated it

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


def new_client_id(tenant_id: UUID) -> str:
    return f"{tenant_id.hex}.{secrets.token_hex(8)}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_credentials(tenant_id: UUID) -> Credentials:
    return Credentials(new_client_id(tenant_id), new_secret())


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash or _NO_HASH) and (
        stored_hash is not None
    )


def tenant_of(client_id: str) -> UUID | None:
    """The tenant a client id names, or None when it is not a client id at all."""
    match = _CLIENT_ID.match(client_id)
    return UUID(match.group(1)) if match else None


@dataclass(frozen=True)
class ActiveClient:
    client_id: str
    tenant_id: UUID
    user_id: UUID
    secret_hash: str


_ACTIVE = (
    sa.select(api_clients.c.user_id, api_clients.c.secret_hash)
    .join(
        users,
        sa.and_(users.c.tenant_id == api_clients.c.tenant_id, users.c.id == api_clients.c.user_id),
    )
    .where(
        api_clients.c.client_id == sa.bindparam("client_id"),
        api_clients.c.revoked_at.is_(None),
        users.c.active,
    )
)


async def active_client(
    conn: AsyncConnection, tenant_id: UUID, client_id: str
) -> ActiveClient | None:
    """The client, unless revoked, in a transaction bound to `tenant_id` (RLS hides
    every other tenant's clients)."""
    row = (await conn.execute(_ACTIVE, {"client_id": client_id})).first()
    if row is None:
        return None
    return ActiveClient(client_id, tenant_id, row.user_id, row.secret_hash)
