"""Relay conventions: opaque global ids, the Node interface, connections and paging."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry
from strawberry.types.nodes import SelectedField

from api.core.context import Info
from api.core.loaders import prefetch
from api.cost import PER_PAGE, at_most, per_list
from api.errors import AppError, Code, bad_input
from api.settings import Settings
from domain.ids import global_id
from domain.pagination import Page, PageRequest

T = TypeVar("T")


def to_global_id(type_name: str, id: UUID) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, id))


MALFORMED_ID = "Not a valid id: ids are the opaque `id` values this API gives out."


def decoded_global_id(global_id: str) -> tuple[str, UUID] | None:
    """(type name, uuid) of a global id; None for a text that is no global id at all."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, _, value = raw.partition(":")
        return type_name, UUID(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def from_global_id(
    global_id: str, expected: str | tuple[str, ...] | None = None
) -> tuple[str, UUID]:
    """Decode a global id. One that is not an id at all is BAD_USER_INPUT (it says
    nothing about any row); one of another type is NOT_FOUND — the same answer as for
    an id that does not exist (or belongs to another tenant)."""
    decoded = decoded_global_id(global_id)
    if decoded is None:
        raise AppError(Code.BAD_USER_INPUT, MALFORMED_ID)
    if expected is not None:
        allowed = (expected,) if isinstance(expected, str) else expected
        if decoded[0] not in allowed:
            raise AppError(Code.NOT_FOUND, "No such object.")
    return decoded


def from_optional_global_id(global_id: str | None, expected: str) -> UUID | None:
    """An id given to a filter or argument, when given (see from_global_id)."""
    return None if global_id is None else from_global_id(global_id, expected)[1]


@strawberry.interface(description="An object with a global, opaque id.")
class Node:
    id: strawberry.ID


# type name -> (entity, async (context, uuid) -> object | None); registered by each area.
# The resolver applies the record scope; node(id:) checks the entity's read action
# (entity None: no catalog entity, any signed-in caller, e.g. their own Tenant).
NodeResolver = Callable[[Any, UUID], Awaitable[Any]]
NODE_RESOLVERS: dict[str, tuple[str | None, NodeResolver]] = {}


def node_resolver(type_name: str, entity: str | None) -> Callable[[NodeResolver], NodeResolver]:
    """Register `fn` as node(id:)'s resolver of `type_name`: the row of `entity` by id
    within the caller's record scope (the compiled read path answers it so, by the
    entity's table; a resolver registered otherwise is always called)."""

    def register(fn: NodeResolver) -> NodeResolver:
        fn.__scoped_row__ = True  # type: ignore[attr-defined]
        NODE_RESOLVERS[type_name] = (entity, fn)
        return fn

    return register


def scoped_row(type_name: str) -> bool:
    """Whether node(id:) of `type_name` is its entity's row by id in record scope."""
    registered = NODE_RESOLVERS.get(type_name)
    return registered is not None and getattr(registered[1], "__scoped_row__", False)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(metadata=at_most(PER_PAGE))
    page_info: PageInfo
    total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(metadata=at_most(PER_PAGE))
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        metadata=per_list(),
        description="How many rows the list has in all (under its filter, within your "
        "record scope), whatever page this is.",
    )
    async def total_count(self) -> int:
        return await self.total()


def page_request(
    info: Info, first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    """Validate paging arguments: default 50, capped at the configured maximum."""
    return paging(info.context.settings, first, after, last, before)


def paging(
    settings: Settings, first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    """The page the paging arguments ask for (`page_request`)."""
    if first is not None and last is not None:
        raise bad_input("Pass either `first` or `last`, not both.")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= settings.max_page_size:
            raise bad_input(
                f"`{name}` must be between 0 and {settings.max_page_size}.", argument=name
            )
    if first is None and last is None:
        first = settings.default_page_size
    return PageRequest(first=first, after=after, last=last, before=before)


async def connection(info: Info, page: Page, to_node: Callable[[Any], T]) -> Connection[T]:
    """The page as a connection, with the relations the client selected on its nodes
    loaded for all rows at once (api.core.loaders.prefetch)."""
    edges = [Edge(cursor=c, node=to_node(r)) for r, c in zip(page.rows, page.cursors, strict=True)]
    await prefetch(info, [e.node for e in edges], node_fields)
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        total=page.total,
    )


def node_fields(info: Info) -> set[str]:
    """Names of the fields selected on a connection's nodes (`edges { node }` or
    `nodes`), through fragments."""
    selections = _selections(info)
    return _names(selections, ("edges", "node")) | _names(selections, ("nodes",))


def item_fields(info: Info) -> set[str]:
    """Names of the fields selected on a list field's items, through fragments."""
    return _names(_selections(info), ())


async def with_relations(info: Info, items: list[T]) -> list[T]:
    """A list field's items, with the relations the client selected on them loaded for
    all of them at once (api.core.loaders.prefetch). Called by each parent of a page, the
    loads of one tick still make one statement per relation."""
    await prefetch(info, items, item_fields)
    return items


def _selections(info: Info) -> list[Any]:
    return [s for f in info.selected_fields for s in f.selections]


def _names(selections: list[Any], path: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for selection in selections:
        if not isinstance(selection, SelectedField):  # a fragment spread or inline fragment
            out |= _names(selection.selections, path)
        elif not path:
            out.add(selection.name)
        elif selection.name == path[0]:
            out |= _names(selection.selections, path[1:])
    return out


def local_id(global_id: str, expected: str, field: str) -> UUID:
    """A global id given inside a mutation input: a wrong one is a userError on that
    field (raised as a domain error inside the service call) — BAD_USER_INPUT when it
    is no id at all, NOT_FOUND when it names no such row."""
    from domain.errors import DomainError, NotFound

    decoded = decoded_global_id(global_id)
    if decoded is None:
        raise DomainError(f"`{field}` is not a valid id.", field=field)
    if decoded[0] != expected:
        raise NotFound(f"No such {expected.lower()}.", field=field)
    return decoded[1]


def optional_local_id(global_id: str | None, expected: str, field: str) -> UUID | None:
    """An optional global id inside a mutation input, when given (local_id)."""
    return None if global_id is None else local_id(global_id, expected, field)
