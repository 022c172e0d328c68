"""Record scope: which rows of an entity a role's `own` / `team` / `all` reaches.

The one place scope is applied. Each entity's rule (how its rows belong to users) is
its description's `ownership` (domain/entities.py); `in_scope(actor,
entity)` is the condition every repository read, lock, update and report adds, so a
row out of scope is simply not found, like another tenant's.

- `own`: the rows that belong to the user.
- `team`: the user's and those of everyone who reports to them, directly or down the
  manager chain of HR's org chart (employees.user_id / employees.manager_id); a user
  without an employee record has a team of one. The chain is one recursive CTE inside
  the statement, evaluated once per statement, not per row.
- `all`: every row of the tenant.

Fails closed: a role without a grant on the entity, or an entity without a declared
rule, reaches no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.entities import ENTITIES
from domain.errors import DomainError, ErrorCode
from domain.hr.models import employees
from domain.ownership import OwnedBy, Ownership
from tenants.principal import Actor

_rules: dict[str, Ownership] = {name: entity.ownership for name, entity in ENTITIES.items()}


def rules() -> dict[str, Ownership]:
    """Every entity's declared rule, by catalog entity."""
    return _rules


# aliases, so the chain never correlates with an employees table outside it; made once,
# since an alias of a table copies every column (and its foreign keys)
_TEAM_TOP = employees.alias("team_top")
_TEAM_BELOW = employees.alias("team_below")


@dataclass(frozen=True)
class _Viewer:
    actor: Actor

    @property
    def user_id(self) -> UUID:
        return self.actor.user_id

    def _chain(self) -> sa.CTE:
        top, below = _TEAM_TOP, _TEAM_BELOW
        chain = (
            sa.select(top.c.id, top.c.user_id)
            .where(top.c.user_id == self.actor.user_id)
            .cte("team", recursive=True, nesting=True)
        )
        return chain.union(
            sa.select(below.c.id, below.c.user_id).join(chain, below.c.manager_id == chain.c.id)
        )

    def team_employees(self) -> sa.Select[Any]:
        return sa.select(self._chain().c.id).correlate(None)

    def team_users(self) -> sa.Select[Any]:
        chain = self._chain()
        me = sa.select(sa.literal(self.actor.user_id, employees.c.user_id.type))
        found = sa.select(chain.c.user_id).where(chain.c.user_id.isnot(None))
        return sa.select(sa.union(me, found).subquery().c[0]).correlate(None)

    def scope(self, entity: str) -> str | None:
        return self.actor.policy.scope(entity)

    def rows(self, entity: str, scope: str) -> sa.ColumnElement[bool]:
        rule = rules().get(entity)
        return sa.false() if rule is None else rule.rows(self, scope)


def in_scope(actor: Actor, entity: str) -> sa.ColumnElement[bool]:
    """The rows of `entity` the actor's role reaches (false: none)."""
    scope = actor.policy.scope(entity)
    if scope is None:
        return sa.false()
    return _Viewer(actor).rows(entity, scope)


async def check_assignee(
    conn: AsyncConnection, actor: Actor, entity: str, user_id: UUID, field: str = "owner"
) -> None:
    """A role with scope `own` or `team` hands a record only to someone within that
    scope: otherwise it would vanish from the role's own reach. (No grant on `entity`:
    a service writes it on the role's behalf, e.g. the customer of a lead conversion.)"""
    scope = actor.policy.scope(entity)
    if scope in (None, "all") or (scope == "own" and user_id == actor.user_id):
        return
    if scope == "team":
        rule = OwnedBy(sa.literal(user_id, employees.c.user_id.type))
        within = sa.select(sa.literal(1)).where(rule.rows(_Viewer(actor), scope))
        if await conn.scalar(within) is not None:
            return
    reach = "your team's" if scope == "team" else "its own"
    raise DomainError(
        f"Your role works on {reach} {entity} records only; the {field} must be within it.",
        field=field,
        code=ErrorCode.FORBIDDEN,
    )
