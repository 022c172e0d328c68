"""Tenant administration: users, roles, partner API clients, the audit log. tenant_admin only (no built-in
role is granted any of it; tenant_admin gets every entity of the catalog).

Two exceptions, both row-dependent: every user reads their own account (`viewer.user`:
email, role key), and a user's name shows wherever a record the caller reads names
them (a deal's owner, an activity's assignee); `users(...)` and node(id:) stay admin's."""

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
            {"profile": ("email", "name", "active", "roleKey", "role", "createdAt", "version")},
            # `active` changes only through the deactivate / reactivate actions
            actions=("read", "create", "update", "deactivate", "reactivate"),
            self_readable=("email", "roleKey"),
            referable=("name",),
            readonly=("active", "roleKey", "createdAt", "version"),
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
