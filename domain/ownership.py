"""How an entity's rows belong to users: the declarations record scope is built from.

Each area declares, next to its tables, one rule per catalog entity (the `ownership` of
its description, `ENTITIES` in `domain/<area>/models.py`, collected by domain/entities.py); `domain/scope.py` turns a rule and a role's scope (`own`,
`team`, `all`) into the condition every read, lock, update and report adds. This
module knows no tables, so models can import it without a cycle.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import sqlalchemy as sa

SCOPE_ORDER = {"own": 0, "team": 1, "all": 2}


class Viewer(Protocol):
    """Who the rows are filtered for (domain/scope.py builds it from an Actor)."""

    @property
    def user_id(self) -> UUID: ...

    def team_users(self) -> sa.Select[Any]:
        """The ids of the users on the viewer's team (themselves included)."""

    def team_employees(self) -> sa.Select[Any]:
        """The ids of the employee records on the viewer's team (their own included)."""

    def scope(self, entity: str) -> str | None:
        """The viewer's role's scope on another entity (None: not granted)."""

    def rows(self, entity: str, scope: str) -> sa.ColumnElement[bool]:
        """Another entity's rows at `scope`."""


class Ownership(ABC):
    @abstractmethod
    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        """The rows the viewer reaches with record scope `scope`."""


def _reach(
    scope: str,
    own: Callable[[], sa.ColumnElement[bool]],
    team: Callable[[], sa.ColumnElement[bool]],
) -> sa.ColumnElement[bool]:
    if scope == "all":
        return sa.true()
    if scope == "own":
        return own()
    if scope == "team":
        return team()
    return sa.false()


@dataclass(frozen=True)
class Unowned(Ownership):
    """Rows nobody owns (the product catalogue, pipelines): every scope sees them all."""

    reason: str

    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        return sa.true()


@dataclass(frozen=True)
class OwnedBy(Ownership):
    """A row belongs to the user its `column` names (a deal's owner, an activity's
    assignee, a user's own record)."""

    column: sa.ColumnElement[Any]

    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        return _reach(
            scope,
            own=lambda: self.column == viewer.user_id,
            team=lambda: self.column.in_(viewer.team_users()),
        )


@dataclass(frozen=True)
class Person(Ownership):
    """The row is a person of the org chart: `own` is the viewer's record, `team` their
    record and everyone below them down the manager chain (also those without a user)."""

    id: sa.ColumnElement[Any]
    user: sa.ColumnElement[Any]

    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        return _reach(
            scope,
            own=lambda: self.user == viewer.user_id,
            team=lambda: self.id.in_(viewer.team_employees()),
        )


@dataclass(frozen=True)
class Through(Ownership):
    """A row belongs as the row it references does (an invoice as its sales order, a
    payment as its invoice): the scope of this entity applied to the parent's rule."""

    column: sa.ColumnElement[Any]  # the reference, e.g. invoices.order_id
    parent: sa.Table
    entity: str  # the parent's catalog entity

    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        if scope == "all":
            return sa.true()
        parents = sa.select(self.parent.c.id).where(viewer.rows(self.entity, scope))
        return self.column.in_(parents.correlate(None))


@dataclass(frozen=True)
class HeldBy(Ownership):
    """A row belongs to the users whose `holder` row points at it through `by` (a role to
    the users holding it, a department to the people working in it). With
    `team_is_own`, `team` reaches no further than `own` (a department is the viewer's own)."""

    key: sa.ColumnElement[Any]  # e.g. roles.id
    by: sa.ColumnElement[Any]  # e.g. users.role_id
    holder: sa.ColumnElement[Any]  # e.g. users.id
    team_is_own: bool = False

    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        if scope == "all":
            return sa.true()
        if scope == "team" and self.team_is_own:
            scope = "own"
        holders = OwnedBy(self.holder).rows(viewer, scope)
        return self.key.in_(sa.select(self.by).where(holders, self.by.isnot(None)).correlate(None))


@dataclass(frozen=True)
class ReportOf(Ownership):
    """A report adds up another entity's rows: it sees those within its own scope and,
    when the role holds the source entity, within that scope too (never wider)."""

    entity: str

    def rows(self, viewer: Viewer, scope: str) -> sa.ColumnElement[bool]:
        source = viewer.scope(self.entity)
        if source is not None and SCOPE_ORDER.get(source, 0) < SCOPE_ORDER[scope]:
            scope = source
        return viewer.rows(self.entity, scope)
