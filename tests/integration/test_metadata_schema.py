"""The tables the code describes (`tenants.tables.metadata`, every area's models) are the
tables the migrations build: Alembic's `compare_metadata` against the test database,
connected as the owner (the schema's owner reads its catalog; never a superuser)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

# every area's models, and the tables outside any area, so every table, are loaded
from domain import entities, idempotency, persisted_operations  # noqa: F401
from tenants.tables import metadata

# Compared: tables, columns, types, nullability, server defaults, foreign keys and
# indexes with their columns or expressions (a partial index's WHERE is declared in the
# models, but Alembic does not compare it). Not compared, because metadata cannot say it
# and each lives in migrations/ only: RLS and its policies, grants, triggers and
# functions (migrations/rls.py), which compare_metadata does not read; CHECK constraints,
# which Alembic does not compare.


def _flat(diff: list[Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for item in diff:
        out.extend(item if isinstance(item, list) else [item])
    return out


def _describe(item: tuple[Any, ...]) -> str:
    kind = item[0]
    if kind in ("modify_default", "modify_nullable", "modify_type"):
        return f"{kind} {item[2]}.{item[3]}: database {item[5]!r}, metadata {item[6]!r}"
    if kind in ("add_column", "remove_column"):
        return f"{kind} {item[2]}.{item[3].name}"
    return f"{kind} {getattr(item[1], 'name', item[1])}"


async def test_metadata_matches_the_migrated_schema(database):
    engine = create_async_engine(database.owner_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(
                        sync, opts={"compare_type": True, "compare_server_default": True}
                    ),
                    metadata,
                )
            )
    finally:
        await engine.dispose()
    assert [_describe(item) for item in _flat(diff)] == []
