"""Users named by an external identity provider: its subject id (`users.external_subject`)
in the tenant its token names, by id or slug.

The user is looked up in a transaction bound to that tenant, so forced RLS keeps the
search inside it: a subject known in tenant A names nobody in tenant B. A user the
provider does not know yet may be linked on first login by the token's email, when the
provider vouches for it (`email_verified`) and the operator allowed it; the link is an
audited UPDATE by the user themselves, and a user already linked to another subject is
never re-linked.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tenants.models import users
from tenants.principal import Principal
from tenants.provisioning import tenant_id_by_slug
from tenants.session import bind_tenant


@dataclass(frozen=True)
class ExternalIdentity:
    tenant: str  # the tenant's id or slug
    subject: str
    verified_email: str | None = None  # only when the provider says it is verified


_PEOPLE = sa.and_(users.c.active, users.c.api_client.is_(False))


async def tenant_id_of(conn: AsyncConnection, reference: str) -> UUID | None:
    """A tenant id as given, or the id of the tenant with this slug."""
    try:
        return UUID(reference)
    except ValueError:
        return await tenant_id_by_slug(conn, reference)


async def principal_of(
    engine: AsyncEngine,
    identity: ExternalIdentity,
    *,
    match_verified_email: bool = False,
    request_id: str | None = None,
) -> Principal | None:
    """The active person this identity names, or None."""
    try:
        async with engine.begin() as conn:
            tenant_id = await tenant_id_of(conn, identity.tenant)
            if tenant_id is None:
                return None
            await bind_tenant(conn, tenant_id, request_id=request_id)
            user_id = await _by_subject(conn, identity.subject)
            if user_id is None and match_verified_email and identity.verified_email:
                user_id = await _link_by_email(conn, tenant_id, identity, request_id)
    except IntegrityError:  # another user took this subject meanwhile
        return None
    return None if user_id is None else Principal(tenant_id=tenant_id, user_id=user_id)


async def _by_subject(conn: AsyncConnection, subject: str) -> UUID | None:
    return await conn.scalar(
        sa.select(users.c.id).where(users.c.external_subject == subject, _PEOPLE)
    )


async def _link_by_email(
    conn: AsyncConnection, tenant_id: UUID, identity: ExternalIdentity, request_id: str | None
) -> UUID | None:
    email = (identity.verified_email or "").strip().lower()
    unlinked = sa.func.coalesce(users.c.external_subject, identity.subject) == identity.subject
    candidate = await conn.scalar(
        sa.select(users.c.id).where(sa.func.lower(users.c.email) == email, unlinked, _PEOPLE)
    )
    if candidate is None:
        return None
    await bind_tenant(conn, tenant_id, candidate, request_id)  # the audit's actor: themselves
    # a concurrent first login of the same person re-checks `unlinked` after its lock
    linked: UUID | None = await conn.scalar(
        users.update()
        .where(users.c.id == candidate, unlinked, _PEOPLE)
        .values(external_subject=identity.subject)
        .returning(users.c.id)
    )
    return linked
