"""Tenant administration queries: users, roles, the audit log (newest first)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from api.admin.inputs import AuditEventFilter, RoleFilter, RoleOrder, UserFilter, UserOrder
from api.admin.types import (
    ApiClient,
    AuditEvent,
    Role,
    User,
    to_api_client,
    to_audit_event,
    to_role,
    to_user,
)
from api.core.access import searched
from api.core.context import Info
from api.core.relay import Connection, connection, from_global_id, page_request
from api.errors import AppError, bad_input, forbidden
from api.ordering import OrderDirection
from domain.admin import models
from domain.admin import repository as repo
from domain.admin.audit import auditable_entities
from tenants.access.catalog import catalog


def _global_id(value: str | None, type_name: str | None, argument: str) -> UUID | None:
    if value is None:
        return None
    try:
        return from_global_id(value, type_name)[1]
    except AppError:
        raise bad_input(f"`{argument}` is not a valid id.", argument=argument) from None


def _descending(order: UserOrder | RoleOrder | None) -> bool:
    return order is not None and order.direction == OrderDirection.DESC


def _audit_filter(where: AuditEventFilter | None, visible: list[str]) -> models.AuditFilter:
    if where is None:
        return models.AuditFilter()
    if where.entity is not None:
        if where.entity not in catalog():
            raise bad_input(f"No entity {where.entity!r}.", argument="filter")
        if where.entity not in visible:
            raise forbidden(f"Your role may not read the audit trail of {where.entity}.")
    time = where.occurred_at
    return models.AuditFilter(
        entity=where.entity,
        entity_id=_global_id(where.entity_id, None, "filter.entityId"),
        actor_id=_global_id(where.actor, "User", "filter.actor"),
        since=time.gte if time else None,
        until=time.lt if time else None,
    )


@strawberry.type
class Query:
    @strawberry.field(description="The tenant's users: people (API clients are `apiClients`).")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        order_by: UserOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User] | None:
        context = info.context
        where = models.UserFilter()
        if filter is not None:
            where = models.UserFilter(
                active=filter.active,
                role_id=_global_id(filter.role, "Role", "filter.role"),
                search=searched(filter.search),
            )
        page = await repo.list_users(
            context.db,
            page_request(info, first, after, last, before),
            where,
            reader=context.require_actor(),
            sort=order_by.field.value if order_by else "email",
            descending=_descending(order_by),
        )
        return await connection(info, page, to_user)

    @strawberry.field(description="The tenant's roles, built-in and custom.")
    async def roles(
        self,
        info: Info,
        filter: RoleFilter | None = None,
        order_by: RoleOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Role] | None:
        context = info.context
        where = models.RoleFilter()
        if filter is not None:
            where = models.RoleFilter(builtin=filter.builtin, search=searched(filter.search))
        page = await repo.list_roles(
            context.db,
            page_request(info, first, after, last, before),
            where,
            reader=context.require_actor(),
            sort=order_by.field.value if order_by else "key",
            descending=_descending(order_by),
        )
        return await connection(info, page, to_role)

    @strawberry.field(description="The tenant's partner API clients, newest first.")
    async def api_clients(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ApiClient] | None:
        context = info.context
        page = await repo.list_api_clients(
            context.db,
            page_request(info, first, after, last, before),
            reader=context.require_actor(),
        )
        return await connection(info, page, to_api_client)

    @strawberry.field(
        description="Who changed what, newest first. Values of fields your role may not "
        "read are redacted."
    )
    async def audit_events(
        self,
        info: Info,
        filter: AuditEventFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEvent] | None:
        context = info.context
        actor = context.require_actor()
        visible = auditable_entities(actor.policy)
        page = await repo.list_audit_events(
            context.db,
            page_request(info, first, after, last, before),
            _audit_filter(filter, visible),
            entities=visible,
            reader=actor,
        )
        return await connection(info, page, to_audit_event)
