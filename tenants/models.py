"""Platform and tenancy tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from tenants.tables import NOW, metadata, tenant_table

# Platform table: no tenant_id. The app role reaches it only through the
# SECURITY DEFINER functions of the foundation migration.
tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slug", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
)

roles = tenant_table(
    "roles",
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("permissions", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Index("ix_roles_key", "tenant_id", "key", unique=True),
)

users = tenant_table(
    "users",
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role_id", UUID(as_uuid=True), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # the service user of a partner API client (tenants/api_clients.py), not a person
    sa.Column("api_client", sa.Boolean, nullable=False, server_default=sa.false()),
    # who an external OIDC identity provider says this is (tenants/identities.py)
    sa.Column("external_subject", sa.Text),
    sa.ForeignKeyConstraint(["tenant_id", "role_id"], ["roles.tenant_id", "roles.id"]),
    sa.Index("ix_users_role_id", "tenant_id", "role_id"),
    sa.Index("ux_users_email", "tenant_id", sa.text("lower(email)"), unique=True),
    sa.Index(
        "ux_users_external_subject",
        "tenant_id",
        "external_subject",
        unique=True,
        postgresql_where=sa.text("external_subject IS NOT NULL"),
    ),
)

api_clients = tenant_table(
    "api_clients",
    sa.Column("user_id", UUID(as_uuid=True), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("client_id", sa.Text, nullable=False),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    sa.Column("created_by", UUID(as_uuid=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(["tenant_id", "created_by"], ["users.tenant_id", "users.id"]),
    sa.ForeignKeyConstraint(["tenant_id", "user_id"], ["users.tenant_id", "users.id"]),
    sa.Index("ux_api_clients_client_id", "tenant_id", "client_id", unique=True),
    sa.Index("ux_api_clients_user", "tenant_id", "user_id", unique=True),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True, server_default=sa.FetchedValue()),
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.FetchedValue()),
    sa.Column(
        "occurred_at",
        sa.DateTime(timezone=True),
        nullable=False,
        server_default=sa.text("clock_timestamp()"),
    ),
    sa.Column("actor_id", UUID(as_uuid=True)),
    sa.Column("request_id", sa.Text),
    sa.Column("entity", sa.Text, nullable=False),
    sa.Column("entity_id", UUID(as_uuid=True), nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("changes", JSONB, nullable=False),
    sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
    sa.Index(
        "ix_audit_events_entity_entity_id_occurred_at",
        "tenant_id",
        "entity",
        "entity_id",
        "occurred_at",
    ),
    sa.Index("ix_audit_events_occurred_at", "tenant_id", "occurred_at"),
)
