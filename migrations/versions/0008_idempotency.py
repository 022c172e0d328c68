"""Idempotency keys and persisted operations

Revision ID: 0008
Revises: 0007

`idempotency_keys` keeps, per (tenant, caller, key), the answer of the first mutation
sent with an `Idempotency-Key` header, so a retry is answered from it and writes
nothing (api/idempotency.py). A tenant table like every other (forced RLS): the row is
written inside the mutation's own transaction, so it exists exactly when the mutation
committed. The unique index is also the lock two concurrent requests with one key meet
on: the second's insert waits for the first's commit. Not audited: it is a copy of an
answer, the audited change is the mutation's own.

`persisted_operations` maps the SHA-256 of a GraphQL document's text to the text
(Apollo's automatic persisted queries, and the operator's allow-list). Documents are no
tenant's data, so it is a global table without RLS; the app role may read it and add
to it, never change or delete a row (a hash names one text forever).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from migrations.rls import app_role, create_tenant_table, tenant_fk, tenant_index

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_tenant_table(
        "idempotency_keys",
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("response", sa.Text),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        tenant_fk(["user_id"], "users", name="fk_idempotency_keys_user", ondelete="CASCADE"),
        sa.CheckConstraint("length(key) BETWEEN 1 AND 255", name="ck_idempotency_keys_key"),
        entity=None,
        versioned=False,
    )
    tenant_index("idempotency_keys", "user_id", "key", unique=True)
    tenant_index("idempotency_keys", "expires_at")
    op.create_table(
        "persisted_operations",
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="ck_persisted_operations_sha256"),
    )
    op.execute(f"GRANT SELECT, INSERT ON persisted_operations TO {app_role()}")


def downgrade() -> None:
    op.drop_table("persisted_operations")
    op.drop_table("idempotency_keys")
