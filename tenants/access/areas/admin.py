"""Tenant administration: users, roles, the audit log. tenant_admin only."""

from tenants.access.catalog import Area, EntitySpec

AREA = Area(
    entities=(
        EntitySpec(
            "User",
            {"profile": ("email", "name", "active", "role", "createdAt")},
            actions=("read", "create", "update"),
            readonly=("createdAt",),
        ),
        EntitySpec(
            "Role",
            {"definition": ("key", "name", "description", "builtin", "permissions", "users")},
            readonly=("builtin", "users"),
        ),
        EntitySpec(
            "AuditEvent",
            {
                "event": (
                    "occurredAt",
                    "actor",
                    "entity",
                    "entityId",
                    "action",
                    "changes",
                    "requestId",
                )
            },
            actions=("read",),
            readonly=(
                "occurredAt",
                "actor",
                "entity",
                "entityId",
                "action",
                "changes",
                "requestId",
            ),
        ),
    ),
)
