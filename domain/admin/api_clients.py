"""Use cases of partner API clients: create, rotate the secret, revoke.

A client is a service user of the tenant (so its role, the per-request user lookup
and the audit actor work as for a person) plus its credentials. The rules of
tenant administration hold: nobody gives a client a role wider than their own, nor
takes over (rotates) or revokes a client whose role is wider than theirs. The secret
leaves only in the result of create and rotate; the database keeps its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.admin import repository as repo
from domain.admin.errors import AdminError
from domain.admin.models import NewApiClient, NewUser
from domain.admin.services import _grantable_role, role_policy
from domain.errors import DomainError, ErrorCode, Forbidden, NotFound
from domain.kit.checks import required_text
from tenants.api_clients import hash_secret, new_credentials, new_secret
from tenants.principal import Actor

# Service users need an email (unique per tenant); `.invalid` never delivers (RFC 2606).
SERVICE_EMAIL_DOMAIN = "api-clients.invalid"


@dataclass(frozen=True)
class IssuedSecret:
    """A client row and the secret just made for it (shown once)."""

    client: Any
    client_secret: str


async def _reload(conn: AsyncConnection, client_id: UUID) -> Any:
    return (await repo.api_clients_by_ids(conn, [client_id], reader=None))[client_id]


async def create_api_client(conn: AsyncConnection, actor: Actor, new: NewApiClient) -> IssuedSecret:
    name = required_text(new.name, "name")
    role = await _grantable_role(conn, actor, new.role_id)
    return await issue_client(conn, actor.tenant_id, name, role.id, created_by=actor.user_id)


async def issue_client(
    conn: AsyncConnection, tenant_id: UUID, name: str, role_id: UUID, *, created_by: UUID | None
) -> IssuedSecret:
    """A new client and its secret, unchecked: callers decide who may grant the role
    (create_api_client: an admin's own rights; `atrium client create`: the operator)."""
    credentials = new_credentials(tenant_id)
    email = f"{credentials.client_id.rpartition('.')[2]}@{SERVICE_EMAIL_DOMAIN}"
    user = await repo.insert_user(conn, tenant_id, NewUser(email, name, role_id), api_client=True)
    if user is None:  # 64 random bits collided within one tenant
        raise DomainError("Could not make a client id; try again.", code=ErrorCode.CONFLICT)
    client_id = await repo.insert_api_client(
        conn,
        tenant_id,
        user_id=user.id,
        name=name,
        client_id=credentials.client_id,
        secret_hash=credentials.secret_hash,
        created_by=created_by,
    )
    return IssuedSecret(await _reload(conn, client_id), credentials.secret)


async def _manageable(conn: AsyncConnection, actor: Actor, client_id: UUID) -> Any:
    row = await repo.api_client_for_update(conn, client_id, reader=actor)
    if row is None:
        raise NotFound("No such API client.", field="id")
    held = await repo.role(conn, row.role_id, reader=None)
    if actor.policy.covers(role_policy(held)):
        raise Forbidden(
            "This client's role has rights yours does not; only someone who holds them "
            "may manage it.",
            field="id",
        )
    return row


async def rotate_secret(conn: AsyncConnection, actor: Actor, client_id: UUID) -> IssuedSecret:
    row = await _manageable(conn, actor, client_id)
    if row.revoked_at is not None:
        raise DomainError(
            "The client is revoked; create a new one.", field="id", code=AdminError.REVOKED
        )
    secret = new_secret()
    await repo.update_api_client(
        conn, row.id, secret_hash=hash_secret(secret), secret_rotated_at=sa.func.now()
    )
    return IssuedSecret(await _reload(conn, row.id), secret)


async def revoke(conn: AsyncConnection, actor: Actor, client_id: UUID) -> Any:
    """No new tokens, and its tokens stop working on their next request (its service
    user is deactivated, which the per-request user lookup refuses)."""
    row = await _manageable(conn, actor, client_id)
    if row.revoked_at is not None:
        return row
    await repo.update_api_client(conn, row.id, revoked_at=sa.func.now())
    await repo.update_user(conn, row.user_id, active=False)
    return await _reload(conn, row.id)
