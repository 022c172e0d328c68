"""SQL of tenant administration. Every function runs in the caller's tenant-bound
transaction (RLS keeps other tenants out); `reader` narrows the rows to that actor's
record scope (domain/scope.py: own = the user themselves, the role they hold, their
own clients and actions); None is a use case's own lookup, e.g. the role a user holds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.admin.models import (
    ENTITIES,
    AuditFilter,
    NewUser,
    RoleFilter,
    UserFilter,
    api_clients,
    audit_events,
    roles,
    users,
)
from domain.entity import stored
from domain.pagination import Page, PageRequest, paginate
from domain.scope import in_scope
from domain.search import Search, search_condition
from tenants.access.builtin import ADMIN_ROLE
from tenants.models import tenants
from tenants.principal import Actor

# what each list's `search` covers (API field names)
USER_SEARCH = {"email": users.c.email, "name": users.c.name}
ROLE_SEARCH = {"key": roles.c.key, "name": roles.c.name}
USER_FIELDS = (
    users.c.id,
    users.c.email,
    users.c.name,
    users.c.active,
    users.c.role_id,
    users.c.created_at,
    users.c.version,
)


def _role_key(role_id: sa.ColumnElement[Any] | UUID) -> sa.Label[Any]:
    """The key of the user's role (User.roleKey), in the same statement as the user."""
    query = sa.select(roles.c.key).where(roles.c.id == role_id)
    if isinstance(role_id, sa.ColumnElement):
        query = query.where(roles.c.tenant_id == users.c.tenant_id).correlate(users)
    return query.scalar_subquery().label("role_key")


# An INSERT's RETURNING does not correlate a sub-select with the new row: insert_user
# names the role by its id instead.
USER_COLUMNS = (*USER_FIELDS, _role_key(users.c.role_id))
ROLE_COLUMNS = (
    roles.c.id,
    roles.c.key,
    roles.c.name,
    roles.c.description,
    roles.c.builtin,
    roles.c.permissions,
    roles.c.created_at,
    roles.c.version,
)
# orderBy field (catalog name) -> column
USER_SORT = stored(ENTITIES, "User").sort_columns("email", "name", "createdAt")
ROLE_SORT = stored(ENTITIES, "Role").sort_columns("key", "name")

# an sa.Row of the select's columns (attribute access: row.email, row.version)
Row = Any


def _where(query: sa.Select[Any], *conditions: tuple[sa.ColumnElement[Any], Any]) -> sa.Select[Any]:
    """`column = value` for every value given (None: no condition)."""
    for column, value in conditions:
        if value is not None:
            query = query.where(column == value)
    return query


def _search(
    query: sa.Select[Any], search: Search | None, columns: Mapping[str, sa.Column[Any]]
) -> sa.Select[Any]:
    condition = search_condition(search, columns)
    return query if condition is None else query.where(condition)


def _scoped(reader: Actor | None, entity: str) -> sa.ColumnElement[bool]:
    return sa.true() if reader is None else in_scope(reader, entity)


def _people() -> sa.ColumnElement[bool]:
    """Users who are persons: an API client's service user is listed, managed and
    revoked as an API client (its row still names it as an audit actor)."""
    return users.c.api_client.is_(False)


# --------------------------------------------------------------------------- users
async def list_users(
    conn: AsyncConnection,
    page: PageRequest,
    where: UserFilter,
    *,
    reader: Actor | None,
    sort: str = "email",
    descending: bool = False,
) -> Page:
    query = _where(
        sa.select(*USER_COLUMNS).where(_scoped(reader, "User"), _people()),
        (users.c.active, where.active),
        (users.c.role_id, where.role_id),
    )
    query = _search(query, where.search, USER_SEARCH)
    return await paginate(
        conn, query, page, sort=USER_SORT[sort], id_column=users.c.id, descending=descending
    )


# built once: every `viewer` runs it, and building a statement costs more CPU than
# sending it (SQLAlchemy derives the cache key of a new statement object each time)
_USER_WITH_TENANT = (
    sa.select(*USER_COLUMNS, tenants.c.slug, tenants.c.name.label("tenant_name"))
    .select_from(users.join(tenants, tenants.c.id == users.c.tenant_id))
    .where(users.c.id == sa.bindparam("user_id"))
)


async def user_with_tenant(conn: AsyncConnection, user_id: UUID) -> Row:
    """The caller's own user (the request's actor, so it exists) with their tenant's
    slug and name, in one statement: what `viewer` shows."""
    return (await conn.execute(_USER_WITH_TENANT, {"user_id": user_id})).one()


async def users_by_ids(
    conn: AsyncConnection, ids: Iterable[UUID], *, reader: Actor | None
) -> dict[UUID, Row]:
    query = sa.select(*USER_COLUMNS).where(users.c.id.in_(list(ids)), _scoped(reader, "User"))
    return {row.id: row for row in (await conn.execute(query)).all()}


async def user_for_update(
    conn: AsyncConnection, user_id: UUID, *, reader: Actor | None
) -> Row | None:
    query = (
        sa.select(*USER_COLUMNS)
        .where(users.c.id == user_id, _scoped(reader, "User"), _people())
        .with_for_update(key_share=True)
    )
    return (await conn.execute(query)).first()


async def insert_user(
    conn: AsyncConnection, tenant_id: UUID, new: NewUser, *, api_client: bool = False
) -> Row | None:
    """The new user, or None when the email is taken in this tenant."""
    statement = (
        insert(users)
        .values(
            tenant_id=tenant_id,
            email=new.email,
            name=new.name,
            role_id=new.role_id,
            api_client=api_client,
        )
        .on_conflict_do_nothing(index_elements=[users.c.tenant_id, sa.func.lower(users.c.email)])
        .returning(*USER_FIELDS, _role_key(new.role_id))
    )
    return (await conn.execute(statement)).first()


async def update_user(conn: AsyncConnection, user_id: UUID, **values: Any) -> Row:
    statement = (
        users.update()
        .where(users.c.id == user_id)
        .values(**values, version=users.c.version + 1)
        .returning(*USER_COLUMNS)
    )
    return (await conn.execute(statement)).one()


async def count_active_holders(conn: AsyncConnection, role_id: UUID, *, besides: UUID) -> int:
    # people only: a tenant keeps someone who can sign in and administer it, while an
    # API client is a machine credential that is revoked at will (never LAST_ADMIN)
    query = sa.select(sa.func.count()).where(
        users.c.role_id == role_id, users.c.active, users.c.id != besides, _people()
    )
    return int(await conn.scalar(query) or 0)


# --------------------------------------------------------------------------- roles
async def list_roles(
    conn: AsyncConnection,
    page: PageRequest,
    where: RoleFilter,
    *,
    reader: Actor | None,
    sort: str = "key",
    descending: bool = False,
) -> Page:
    query = _where(
        sa.select(*ROLE_COLUMNS).where(_scoped(reader, "Role")), (roles.c.builtin, where.builtin)
    )
    query = _search(query, where.search, ROLE_SEARCH)
    return await paginate(
        conn, query, page, sort=ROLE_SORT[sort], id_column=roles.c.id, descending=descending
    )


async def roles_by_ids(
    conn: AsyncConnection, ids: Iterable[UUID], *, reader: Actor | None
) -> dict[UUID, Row]:
    query = sa.select(*ROLE_COLUMNS).where(roles.c.id.in_(list(ids)), _scoped(reader, "Role"))
    return {row.id: row for row in (await conn.execute(query)).all()}


async def role(
    conn: AsyncConnection, role_id: UUID, *, reader: Actor | None, lock: str | None = None
) -> Row | None:
    """A role; lock "update" to change it, "share" to keep it from being deleted."""
    query = sa.select(*ROLE_COLUMNS).where(roles.c.id == role_id, _scoped(reader, "Role"))
    if lock == "update":
        query = query.with_for_update(key_share=True)
    elif lock == "share":
        query = query.with_for_update(read=True)
    return (await conn.execute(query)).first()


async def lock_admin_role(conn: AsyncConnection) -> UUID:
    """The tenant_admin role, locked: changes that could remove the last active admin
    take this lock first, so two of them never both pass the check."""
    query = (
        sa.select(roles.c.id)
        .where(roles.c.key == ADMIN_ROLE, roles.c.builtin)
        .with_for_update(key_share=True)
    )
    role_id: UUID = (await conn.execute(query)).scalar_one()
    return role_id


async def insert_role(conn: AsyncConnection, tenant_id: UUID, **values: Any) -> Row | None:
    """The new role, or None when its key is taken in this tenant."""
    statement = (
        insert(roles)
        .values(tenant_id=tenant_id, builtin=False, **values)
        .on_conflict_do_nothing(index_elements=[roles.c.tenant_id, roles.c.key])
        .returning(*ROLE_COLUMNS)
    )
    return (await conn.execute(statement)).first()


async def update_role(conn: AsyncConnection, role_id: UUID, **values: Any) -> Row:
    statement = (
        roles.update()
        .where(roles.c.id == role_id)
        .values(**values, version=roles.c.version + 1)
        .returning(*ROLE_COLUMNS)
    )
    return (await conn.execute(statement)).one()


async def delete_role(conn: AsyncConnection, role_id: UUID) -> None:
    await conn.execute(roles.delete().where(roles.c.id == role_id))


async def holder_counts(conn: AsyncConnection, role_ids: Iterable[UUID]) -> dict[UUID, int]:
    query = (
        sa.select(users.c.role_id, sa.func.count())
        .where(users.c.role_id.in_(list(role_ids)))
        .group_by(users.c.role_id)
    )
    return {role_id: int(n) for role_id, n in (await conn.execute(query)).all()}


# --------------------------------------------------------------------------- API clients
API_CLIENT_COLUMNS = (
    api_clients.c.id,
    api_clients.c.user_id,
    api_clients.c.name,
    api_clients.c.client_id,
    users.c.role_id,
    api_clients.c.created_at,
    api_clients.c.created_by,
    api_clients.c.secret_rotated_at,
    api_clients.c.revoked_at,
    api_clients.c.version,
)
_CLIENTS_WITH_USERS = api_clients.join(
    users,
    sa.and_(users.c.tenant_id == api_clients.c.tenant_id, users.c.id == api_clients.c.user_id),
)


def _api_clients(reader: Actor | None) -> sa.Select[Any]:
    return (
        sa.select(*API_CLIENT_COLUMNS)
        .select_from(_CLIENTS_WITH_USERS)
        .where(_scoped(reader, "ApiClient"))
    )


async def list_api_clients(
    conn: AsyncConnection, page: PageRequest, *, reader: Actor | None
) -> Page:
    """Newest first."""
    return await paginate(
        conn,
        _api_clients(reader),
        page,
        sort=api_clients.c.created_at,
        id_column=api_clients.c.id,
        descending=True,
    )


async def api_clients_by_ids(
    conn: AsyncConnection, ids: Iterable[UUID], *, reader: Actor | None
) -> dict[UUID, Row]:
    query = _api_clients(reader).where(api_clients.c.id.in_(list(ids)))
    return {row.id: row for row in (await conn.execute(query)).all()}


async def api_client_for_update(
    conn: AsyncConnection, client_id: UUID, *, reader: Actor | None
) -> Row | None:
    query = (
        _api_clients(reader)
        .where(api_clients.c.id == client_id)
        .with_for_update(of=api_clients, key_share=True)
    )
    return (await conn.execute(query)).first()


async def insert_api_client(conn: AsyncConnection, tenant_id: UUID, **values: Any) -> UUID:
    client_id: UUID = await conn.scalar(
        insert(api_clients).values(tenant_id=tenant_id, **values).returning(api_clients.c.id)
    )
    return client_id


async def update_api_client(conn: AsyncConnection, client_id: UUID, **values: Any) -> None:
    await conn.execute(
        api_clients.update()
        .where(api_clients.c.id == client_id)
        .values(**values, version=api_clients.c.version + 1)
    )


# --------------------------------------------------------------------------- audit
# `changes` as its JSON text: the driver's jsonb decoding turns numeric values into
# floats (120.0000 -> 120.0), domain.admin.audit.recorded keeps them exact.
AUDIT_COLUMNS = tuple(
    sa.cast(c, sa.Text).label(c.name) if c.name == "changes" else c
    for c in audit_events.c
    if c.name != "tenant_id"
)


def _audit_query(entities: Iterable[str], reader: Actor | None) -> sa.Select[Any]:
    return sa.select(*AUDIT_COLUMNS).where(
        audit_events.c.entity.in_(list(entities)), _scoped(reader, "AuditEvent")
    )


async def list_audit_events(
    conn: AsyncConnection,
    page: PageRequest,
    where: AuditFilter,
    *,
    entities: Iterable[str],
    reader: Actor | None,
) -> Page:
    """Newest first; only events of `entities` (those the reader may see)."""
    query = _where(
        _audit_query(entities, reader),
        (audit_events.c.entity, where.entity),
        (audit_events.c.entity_id, where.entity_id),
        (audit_events.c.actor_id, where.actor_id),
    )
    if where.since is not None:
        query = query.where(audit_events.c.occurred_at >= where.since)
    if where.until is not None:
        query = query.where(audit_events.c.occurred_at < where.until)
    return await paginate(
        conn,
        query,
        page,
        sort=audit_events.c.occurred_at,
        id_column=audit_events.c.id,
        descending=True,
    )


async def audit_event(
    conn: AsyncConnection, event_id: UUID, *, entities: Iterable[str], reader: Actor | None
) -> Row | None:
    query = _audit_query(entities, reader).where(audit_events.c.id == event_id)
    return (await conn.execute(query)).first()
