"""Platform and tenancy tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from domain.base import metadata, tenant_table

# Platform table: no tenant_id. The app role reaches it only through the
# SECURITY DEFINER functions of the foundation migration.
tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slug", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

roles = tenant_table(
    "roles",
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("builtin", sa.Boolean, nullable=False),
    sa.Column("permissions", JSONB, nullable=False),
)

users = tenant_table(
    "users",
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role_id", UUID(as_uuid=True), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    # the service user of a partner API client (tenants/api_clients.py), not a person
    sa.Column("api_client", sa.Boolean, nullable=False, server_default=sa.false()),
)

api_clients = tenant_table(
    "api_clients",
    sa.Column("user_id", UUID(as_uuid=True), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("client_id", sa.Text, nullable=False),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", UUID(as_uuid=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True, server_default=sa.FetchedValue()),
    sa.Column("id", UUID(as_uuid=True), primary_key=True, server_default=sa.FetchedValue()),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_id", UUID(as_uuid=True)),
    sa.Column("request_id", sa.Text),
    sa.Column("entity", sa.Text, nullable=False),
    sa.Column("entity_id", UUID(as_uuid=True), nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("changes", JSONB, nullable=False),
)
