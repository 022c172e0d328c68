"""Idempotency keys (migration 0008): the stored answer of a mutation sent with an
`Idempotency-Key`, per (tenant, caller, key). Every statement runs in the mutation's own
tenant transaction (forced RLS keeps each tenant to its rows), so the row exists
exactly when the mutation committed. api/idempotency.py decides what to do with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.tables import tenant_table

MAX_KEY_LENGTH = 255
# expired rows of the tenant each keyed mutation deletes besides its own key's: enough
# to outrun the rows written, few enough to keep the mutation quick
PURGE_BATCH = 20

idempotency_keys = tenant_table(
    "idempotency_keys",
    sa.Column("user_id", PG_UUID(as_uuid=True), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    # SHA-256 of the request (query text, variables, operation name): a retry must match
    sa.Column("request_hash", sa.Text, nullable=False),
    # the answer's JSON text as it was sent (JSONB would reorder its keys)
    sa.Column("response", sa.Text),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
    ),
    sa.Index("ix_idempotency_keys_user_id_key", "tenant_id", "user_id", "key", unique=True),
    sa.Index("ix_idempotency_keys_expires_at", "tenant_id", "expires_at"),
    versioned=False,
)
_keys = idempotency_keys.c


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    response: str | None  # None only while its mutation has not committed


def _this_key(user_id: UUID, key: str) -> sa.ColumnElement[bool]:
    return sa.and_(_keys.user_id == user_id, _keys.key == key)


async def claim(
    conn: AsyncConnection,
    tenant_id: UUID,
    user_id: UUID,
    key: str,
    request_hash: str,
    ttl: timedelta,
) -> StoredAnswer | None:
    """Claim the key for this request: None when it is ours now (the caller runs the
    mutation and `record`s its answer before committing), else the answer stored under
    it. A concurrent claim of the same key waits on the unique index until the first
    commits (then it finds its answer) or rolls back (then it claims the key itself).
    Expired keys are deleted first: this one, and a few more of the tenant's."""
    expired = _keys.expires_at <= sa.func.now()
    some_expired = (
        sa.select(_keys.id)
        .where(expired)
        .order_by(_keys.expires_at)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    await conn.execute(
        sa.delete(idempotency_keys).where(
            expired, sa.or_(_this_key(user_id, key), _keys.id.in_(some_expired))
        )
    )
    claimed = await conn.execute(
        insert(idempotency_keys)
        .values(
            tenant_id=tenant_id,
            user_id=user_id,
            key=key,
            request_hash=request_hash,
            expires_at=sa.func.now() + ttl,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "user_id", "key"])
        .returning(_keys.id)
    )
    if claimed.first() is not None:
        return None
    row = (
        await conn.execute(
            sa.select(_keys.request_hash, _keys.response).where(_this_key(user_id, key))
        )
    ).one()
    return StoredAnswer(row.request_hash, row.response)


async def record(conn: AsyncConnection, user_id: UUID, key: str, response: str) -> None:
    """Store the answer under the key this transaction claimed."""
    await conn.execute(
        sa.update(idempotency_keys).where(_this_key(user_id, key)).values(response=response)
    )
