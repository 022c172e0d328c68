"""Small shared pieces of the CRM services: input checks, versioned updates (record
scope is domain/scope.py's)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import Conflict, DomainError, NotFound
from domain.money import amount
from tenants.models import users

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UNSET: Any = object()  # "not given" in a patch, distinct from an explicit null


def required_text(value: str | None, field: str, *, max_length: int = 500) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"{field} must not be empty.", field=field)
    if len(text) > max_length:
        raise DomainError(f"{field} is longer than {max_length} characters.", field=field)
    return text


def optional_text(value: str | None, field: str, *, max_length: int = 5000) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_length:
        raise DomainError(f"{field} is longer than {max_length} characters.", field=field)
    return text or None


def email(value: str | None, field: str = "email") -> str | None:
    text = optional_text(value, field, max_length=254)
    if text is not None and not EMAIL.match(text):
        raise DomainError(f"{text!r} is not a valid email address.", field=field)
    return text


MAX_MONEY = Decimal(10) ** 14  # numeric(18, 4)


def money(value: Any, field: str) -> Decimal:
    """A non-negative amount that fits the money columns."""
    result = amount(value, field=field)
    if result >= MAX_MONEY:
        raise DomainError(f"{field} must be less than {MAX_MONEY:,}.", field=field)
    return result


def percent(value: Any, field: str = "probability") -> Decimal:
    result = amount(value, field=field)
    if result > 100:
        raise DomainError(f"{field} is between 0 and 100.", field=field)
    return result


def choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise DomainError(f"{field} must be one of {', '.join(allowed)}.", field=field)
    return value


def patch(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the keys that were given."""
    return {k: v for k, v in values.items() if v is not UNSET}


async def require_user(conn: AsyncConnection, user_id: UUID, field: str) -> UUID:
    found = (
        await conn.execute(sa.select(users.c.id).where(users.c.id == user_id, users.c.active))
    ).first()
    if found is None:
        raise NotFound("No such active user.", field=field)
    return user_id


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
    """UPDATE … WHERE version = :version RETURNING *: a stale version is CONFLICT, a row
    that is missing, of another tenant or out of scope is NOT_FOUND."""
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
    raise Conflict(
        f"The {label} was changed by someone else (now version {exists.version}); reload it.",
        field="version",
    )


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
