"""Persisted operations (migration 0008): GraphQL documents by the SHA-256 of their
text, for Apollo's automatic persisted queries and the operator's allow-list. Global,
not per tenant: a document is no tenant's data. A hash names one text forever, so rows
are only ever added."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.tables import NOW, metadata

persisted_operations = sa.Table(
    "persisted_operations",
    metadata,
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)
_ops = persisted_operations.c


def sha256_hex(text: str) -> str:
    """The hash Apollo's clients send: SHA-256 of the UTF-8 text, lowercase hex."""
    return hashlib.sha256(text.encode()).hexdigest()


async def document_by_hash(conn: AsyncConnection, sha256: str) -> str | None:
    return (
        await conn.execute(sa.select(_ops.document).where(_ops.sha256 == sha256))
    ).scalar_one_or_none()


async def register(conn: AsyncConnection, document: str) -> str:
    """Keep the document under its hash (once; registering it again changes nothing)."""
    sha256 = sha256_hex(document)
    await conn.execute(
        insert(persisted_operations)
        .values(sha256=sha256, document=document)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return sha256
