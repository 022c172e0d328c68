"""The table kit every layer declares its tables with: one `metadata` and the shape of
a tenant-owned table. Tenancy's own tables (tenants/models.py) are declared with it,
so it sits in the lowest layer; every area's models (domain/<area>/models.py) use it too.

Tables are SQLAlchemy Core `Table`s: read paths map rows to light objects, never ORM
entities. The migrations are the source of truth for the database (policies, grants,
triggers); these definitions describe the columns the code reads and writes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

metadata = sa.MetaData()
NOW = sa.text("now()")


def tenant_table(name: str, *columns: Any, versioned: bool = True) -> sa.Table:
    """A tenant-owned table: composite key (tenant_id, id), its tenant, and timestamps
    (as migrations/rls.py: create_tenant_table makes them)."""
    extra: list[Any] = [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    ]
    if versioned:
        extra.append(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    return sa.Table(
        name,
        metadata,
        # the database fills both (current tenant setting, gen_random_uuid()); code
        # stamps tenant_id explicitly too, RLS being the backstop
        sa.Column(
            "tenant_id", UUID(as_uuid=True), primary_key=True, server_default=sa.FetchedValue()
        ),
        sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.FetchedValue()),
        *(c for c in columns if isinstance(c, sa.Column)),
        *extra,
        # constraints and indexes last: they may name the timestamps
        *(c for c in columns if not isinstance(c, sa.Column)),
    )
