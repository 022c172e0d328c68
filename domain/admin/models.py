"""Commands of tenant administration. Tables live in tenants/models.py (the request
path reads users and roles on every call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.entity import UPDATED, Stored
from domain.kit.patch import UNSET
from domain.ownership import HeldBy, OwnedBy
from domain.search import Search
from tenants.models import api_clients, audit_events, roles, users

__all__ = ["api_clients", "audit_events", "roles", "users"]


@dataclass(frozen=True)
class PermissionSpec:
    """What a role grants on one entity, as an admin sends it."""

    entity: str
    actions: tuple[str, ...] = ()
    scope: str = "all"
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "actions": list(self.actions),
            "scope": self.scope,
            "read": list(self.read),
            "write": list(self.write),
        }


@dataclass(frozen=True)
class NewRole:
    key: str
    name: str
    description: str = ""
    copy_from: UUID | None = None
    # per entity, on top of what copy_from grants
    permissions: tuple[PermissionSpec, ...] = ()


@dataclass(frozen=True)
class RoleChanges:
    """What an update changes: a key the client did not send is UNSET (domain/kit)."""

    id: UUID
    version: int
    name: Any = UNSET
    description: Any = UNSET  # null clears it
    # per entity (a tuple of PermissionSpec); entities not named keep what they had
    permissions: Any = UNSET


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    role_id: UUID


@dataclass(frozen=True)
class NewApiClient:
    name: str
    role_id: UUID


@dataclass(frozen=True)
class UserFilter:
    active: bool | None = None
    role_id: UUID | None = None
    search: Search | None = None


@dataclass(frozen=True)
class RoleFilter:
    builtin: bool | None = None
    search: Search | None = None


@dataclass(frozen=True)
class AuditFilter:
    entity: str | None = None
    entity_id: UUID | None = None
    actor_id: UUID | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


# domain/entities.py. Record scope: a user is their own record; a role belongs to those
# holding it; an API client to who created it; an audit event to who acted
ENTITIES = (
    Stored(
        "User",
        users,
        OwnedBy(users.c.id),
        derived={"roleKey": "domain/admin/repository.py: _role_key, the key of the user's role"},
        internal={
            "api_client": "marks a partner API client's service user: users(...) lists people only",
            "external_subject": "the identity provider's id of the person, an operator's "
            "(atrium user create --external-subject) or linked at first login",
            "updated_at": UPDATED,
        },
    ),
    Stored(
        "Role",
        roles,
        HeldBy(roles.c.id, users.c.role_id, users.c.id),
        derived={"userCount": "domain/admin/repository.py: the users holding the role, counted"},
        internal={
            "created_at": "kept for the audit; a role shows its version",
            "updated_at": UPDATED,
        },
    ),
    Stored(
        "ApiClient",
        api_clients,
        OwnedBy(api_clients.c.created_by),
        derived={"role": "domain/admin/repository.py: its service user's role (users.role_id)"},
        internal={
            "user_id": "the client's service user: what its token names, shown as the client",
            "secret_hash": "the SHA-256 of the secret, never given out (README, Partner integrations)",
            "updated_at": UPDATED,
        },
    ),
    Stored("AuditEvent", audit_events, OwnedBy(audit_events.c.actor_id)),
)
