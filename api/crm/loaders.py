"""CRM relations fetched for a whole page at once: one statement per relation, whatever
the page size. Every lookup applies the caller's record scope (repository)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from api.core.context import Info
from api.core.loaders import Relation, keyed_loader
from domain.crm import repository


def _rows_of(entity: str) -> Callable[[Any, list[UUID]], Any]:
    async def fetch(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
        return await repository.by_ids(context.db, context.require_actor(), entity, ids)

    return fetch


R = TypeVar("R")
FETCH = {entity: _rows_of(entity) for entity in repository.TABLES}
ROWS = {e: Relation(f"crm.{e}", FETCH[e], entity=e) for e in repository.TABLES}


def row(info: Info, entity: str, id: UUID | None, convert: Callable[[Any], R]) -> R | None:
    """`convert` of the row of `entity` by id, None when missing or out of scope (at
    once when prefetched, else awaitable: api.core.loaders.Relation.resolve)."""
    return ROWS[entity].resolve(info, id, convert)


async def children(info: Info, relation: str, parent_id: UUID) -> list[Any]:
    """`contacts` or `deals` of a customer, `stages` of a pipeline."""
    spec = repository.CHILDREN[relation]

    async def fetch(context: Any, ids: list[UUID]) -> dict[UUID, list[Any]]:
        return await spec.load(context.db, context.require_actor(), ids)

    loader = keyed_loader(info, f"crm.{relation}", fetch, default=[])
    return list(await loader.load(parent_id))


async def _history(context: Any, ids: list[UUID]) -> dict[UUID, list[Any]]:
    return await repository.stage_history(context.db, ids)


async def history(info: Info, deal_id: UUID) -> list[Any]:
    return list(await keyed_loader(info, "crm.history", _history, default=[]).load(deal_id))


async def timeline(info: Info, customer_id: UUID, limit: int) -> list[Any]:
    """Newest first; activities only for roles that read activities, deal events only for
    roles that read a deal's history (each within its record scope)."""

    async def fetch(context: Any, ids: list[UUID]) -> dict[UUID, list[Any]]:
        policy = context.policy
        return await repository.timeline(
            context.db,
            context.require_actor(),
            ids,
            with_activities=policy.can("Activity", "read"),
            with_deals=policy.can_read("Deal", "history"),
            limit=limit,
        )

    loader = keyed_loader(info, f"crm.timeline.{limit}", fetch, default=[])
    return list(await loader.load(customer_id))
