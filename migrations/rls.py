"""Building blocks for migrations: every tenant table is created through these.

`create_tenant_table` gives a table, in the same revision, everything DESIGN.md asks:
composite key (tenant_id, id), a foreign key to the tenant, forced RLS with a
RESTRICTIVE tenant policy plus a permissive one, DML grants for the app role, and the
generic audit trigger.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

# In policies the sub-select makes PostgreSQL evaluate the setting once per statement.
CURRENT_TENANT = "(SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid)"
# Column defaults may not contain sub-selects.
TENANT_DEFAULT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
CURRENT_USER = "(SELECT NULLIF(current_setting('app.user_id', true), '')::uuid)"


def app_role() -> str:
    role = op.get_context().config.attributes.get("app_role") or "atrium_app"
    assert role.replace("_", "").isalnum(), "role names are identifiers"
    return str(role)


def tenant_columns() -> list[Any]:
    return [
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            nullable=False,
            server_default=sa.text(TENANT_DEFAULT),
        ),
        sa.Column(
            "id", UUID(as_uuid=True), nullable=False, server_default=sa.text("gen_random_uuid()")
        ),
    ]


def timestamps(versioned: bool = True) -> list[Any]:
    cols = [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    ]
    if versioned:
        cols.append(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    return cols


def create_tenant_table(
    name: str,
    *columns: Any,
    entity: str | None,
    versioned: bool = True,
    permissive: str = "true",
    grants: str = "SELECT, INSERT, UPDATE, DELETE",
    secret: tuple[str, ...] = (),
) -> None:
    """Create a tenant-owned table with RLS, grants and (when `entity` is given) auditing;
    `secret` columns are audited as changed, never with their values."""
    op.create_table(
        name,
        *tenant_columns(),
        *columns,
        *timestamps(versioned),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    )
    enable_tenant_rls(name, permissive=permissive)
    op.execute(f"GRANT {grants} ON {name} TO {app_role()}")
    op.execute(
        f"CREATE TRIGGER touch BEFORE UPDATE ON {name} FOR EACH ROW EXECUTE FUNCTION atrium_touch()"
    )
    if entity:
        audit(name, entity, secret)


def enable_tenant_rls(name: str, *, permissive: str = "true") -> None:
    """Forced RLS: a restrictive tenant rule nothing can widen, and the permissive rule
    PostgreSQL needs before it shows any row."""
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {name} AS RESTRICTIVE FOR ALL "
        f"USING (tenant_id = {CURRENT_TENANT}) WITH CHECK (tenant_id = {CURRENT_TENANT})"
    )
    op.execute(
        f"CREATE POLICY tenant_rows ON {name} AS PERMISSIVE FOR ALL "
        f"USING ({permissive}) WITH CHECK ({permissive})"
    )


def audit(name: str, entity: str, secret: tuple[str, ...] = ()) -> None:
    """Every insert, update and delete on `name` writes an audit event per row in the
    same transaction, all the rows of a statement with one INSERT (atrium_audit as of
    revision 0007). The values of `secret` columns (credential hashes) are never
    recorded, only that they changed. (Revisions before 0007 get these triggers too
    when run today; they write no rows, and 0007 installs the function they call.)"""
    assert entity.isalnum() and all(c.replace("_", "").isalnum() for c in secret)
    arguments = ", ".join(f"'{a}'" for a in (entity, *secret))
    for statement in statement_audit_triggers(name, ["insert", "update", "delete"], arguments):
        op.execute(statement)


# the transition tables atrium_audit reads, per event
_TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def statement_audit_triggers(
    table: str, events: list[str], arguments: str, when: str | None = None
) -> list[str]:
    """CREATE TRIGGER statements auditing `events` on `table`, one trigger per event
    (transition tables allow no more), each once per statement."""
    condition = f" WHEN ({when})" if when else ""
    return [
        f"CREATE TRIGGER audit_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {_TRANSITIONS[event]} FOR EACH STATEMENT{condition} "
        f"EXECUTE FUNCTION atrium_audit({arguments})"
        for event in events
    ]


def tenant_fk(
    columns: list[str], target: str, target_columns: list[str] | None = None, **kw: Any
) -> sa.ForeignKeyConstraint:
    """A foreign key that includes tenant_id, so a row can never point into another tenant."""
    target_columns = target_columns or ["id"]
    return sa.ForeignKeyConstraint(
        ["tenant_id", *columns],
        [f"{target}.tenant_id", *(f"{target}.{c}" for c in target_columns)],
        **kw,
    )


def tenant_index(
    table: str,
    *columns: str,
    unique: bool = False,
    name: str | None = None,
    where: str | None = None,
) -> None:
    """Indexes lead with tenant_id; unique ones are unique per tenant, never globally."""
    index_name = (
        name or f"ix_{table}_{'_'.join(c.replace('(', '_').replace(')', '') for c in columns)}"
    )
    kwargs: dict[str, Any] = {"unique": unique}
    if where:
        kwargs["postgresql_where"] = sa.text(where)
    op.create_index(
        index_name,
        table,
        ["tenant_id", *[sa.text(c) if "(" in c else c for c in columns]],
        **kwargs,
    )
