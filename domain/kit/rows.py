"""One row by id within a condition (record scope), and versioned updates: a stale
`version` is CONFLICT with one message everywhere, a row that is missing, of another
tenant or out of scope is NOT_FOUND."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import Conflict, NotFound
from tenants.models import users


def check_version(current: int, sent: int | None, label: str = "record") -> None:
    """The caller's `version` (None: not given, no check) against the row's."""
    if sent is not None and current != sent:
        raise stale(label, current)


def stale(label: str, current: int | None = None) -> Conflict:
    now = "" if current is None else f" (now version {current})"
    return Conflict(f"The {label} was changed by someone else{now}; reload it.", field="version")


async def update_versioned(
    conn: AsyncConnection,
    table: sa.Table,
    row_id: UUID,
    version: int | None,
    values: Mapping[str, Any],
    *,
    where: sa.ColumnElement[bool] | None = None,
    label: str = "record",
) -> sa.Row[Any]:
    """UPDATE … WHERE version = :version RETURNING *."""
    condition = table.c.id == row_id
    if where is not None:
        condition = condition & where
    guarded = condition if version is None else condition & (table.c.version == version)
    row = (
        await conn.execute(
            sa.update(table)
            .where(guarded)
            .values(**values, version=table.c.version + 1)
            .returning(*table.c)
        )
    ).first()
    if row is not None:
        return row
    exists = (await conn.execute(sa.select(table.c.version).where(condition))).first()
    if exists is None:
        raise NotFound(f"No such {label}.", field="id")
    raise stale(label, exists.version)


async def fetch_one(
    conn: AsyncConnection,
    table: sa.Table,
    row_id: UUID,
    *,
    where: sa.ColumnElement[bool] | None = None,
    label: str = "record",
    field: str = "id",
    lock: bool = False,
) -> sa.Row[Any]:
    query = sa.select(table).where(table.c.id == row_id)
    if where is not None:
        query = query.where(where)
    if lock:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFound(f"No such {label}.", field=field)
    return row


async def require_user(conn: AsyncConnection, user_id: UUID, field: str) -> UUID:
    found = (
        await conn.execute(sa.select(users.c.id).where(users.c.id == user_id, users.c.active))
    ).first()
    if found is None:
        raise NotFound("No such active user.", field=field)
    return user_id
