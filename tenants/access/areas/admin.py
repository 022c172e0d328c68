"""Tenant administration: users, roles, partner API clients, the audit log. tenant_admin only (no built-in
role is granted any of it; tenant_admin gets every entity of the catalog)."""

from tenants.access.catalog import Area, EntitySpec

AUDIT_FIELDS = (
    "occurredAt",
    "actor",
    "entity",
    "entityId",
    "action",
    "changes",
    "requestId",
)

API_CLIENT_FIELDS = (
    "name",
    "clientId",
    "role",
    "createdAt",
    "createdBy",
    "secretRotatedAt",
    "revokedAt",
    "version",
)

AREA = Area(
    entities=(
        EntitySpec(
            "User",
            {"profile": ("email", "name", "active", "role", "createdAt", "version")},
            # `active` changes only through the deactivate / reactivate actions
            actions=("read", "create", "update", "deactivate", "reactivate"),
            readonly=("active", "createdAt", "version"),
        ),
        EntitySpec(
            "Role",
            {
                "definition": (
                    "key",
                    "name",
                    "description",
                    "builtin",
                    "permissions",
                    "userCount",
                    "version",
                )
            },
            readonly=("builtin", "userCount", "version"),
        ),
        EntitySpec(
            "ApiClient",
            {"client": API_CLIENT_FIELDS},
            # a secret is made by create and rotate only; revoke ends the client
            actions=("read", "create", "rotate", "revoke"),
            readonly=tuple(f for f in API_CLIENT_FIELDS if f not in {"name", "role"}),
        ),
        EntitySpec(
            "AuditEvent",
            {"event": AUDIT_FIELDS},
            actions=("read",),
            readonly=AUDIT_FIELDS,
        ),
    ),
)
