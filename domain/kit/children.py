"""A list of an entity's rows that name a parent (a customer's deals, a pipeline's
stages), declared once: the repository loads it for a page of parents, the compiled read
path (api/compiled) joins it below each parent, and both read the same rows in the same
order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.entity import Stored
from domain.ranking import first_per_parent
from tenants.principal import Actor


@dataclass(frozen=True)
class Children:
    entity: str
    key: str  # the column of the entity's table naming the parent
    order: tuple[str, ...] = ()  # columns, in order; the id breaks ties
    limit: int | None = None  # at most this many per parent
    latest: bool = False  # with a limit: the last ones in `order` (still shown in order)

    @property
    def table(self) -> sa.Table:
        from domain.entities import ENTITIES

        description = ENTITIES[self.entity]
        assert isinstance(description, Stored)
        return description.table

    def ordering(self, columns: Any) -> list[Any]:
        """The columns (of the table, or of a sub-select of it) the rows are shown in."""
        return [*(columns[c] for c in self.order), columns.id]

    def within(self, actor: Actor) -> sa.ColumnElement[bool]:
        from domain.scope import in_scope

        return in_scope(actor, self.entity)

    async def load(
        self, conn: AsyncConnection, actor: Actor, parent_ids: Sequence[UUID]
    ) -> dict[UUID, list[Any]]:
        """The rows of each parent, within record scope, in order: one statement for a
        whole page of parents."""
        table = self.table
        parent = table.c[self.key]
        query = sa.select(table).where(parent.in_(list(set(parent_ids))), self.within(actor))
        ordered = self.ordering(table.c)
        if self.limit is not None:
            rank_by = [c.desc() for c in ordered] if self.latest else ordered
            ranked = first_per_parent(query, parent, rank_by, self.limit)
            query, ordered = sa.select(ranked), self.ordering(ranked.c)
        out: dict[UUID, list[Any]] = {}
        for row in await conn.execute(query.order_by(*ordered)):
            out.setdefault(row._mapping[self.key], []).append(row)
        return out
