"""Root plans: one statement per root field, and the converter of its rows.

A plan is built once per (document, role version, @include/@skip variables) from the
root field's source (api.compiled.sources) and its levels (api.compiled.levels). Per
request it checks the arguments as the resolver would, builds the statement for the
actor (its record scope) and turns the rows into the finished response value.

The statement nests each level as a sub-select of its table — the root's rows as a
sub-select paged by the list's own `Listing`, each to-one relation as a `LEFT JOIN
LATERAL` of its table within record scope — so a table reached twice (an employee's
manager) never correlates with itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import sqlalchemy as sa
from cachetools import LRUCache
from graphql import GraphQLObjectType, get_named_type

from api.compiled.codegen import generate
from api.compiled.layout import Layout, lay_out, statement
from api.compiled.levels import (
    Access,
    Collect,
    Convert,
    Errors,
    Unsupported,
    build_level,
)
from api.compiled.prepared import Prepared, prepare
from api.compiled.sources import ByIdSource, ListSource
from api.core.relay import from_global_id
from api.errors import AppError, Code, forbidden
from domain.pagination import (
    CURSOR_SORT,
    Listing,
    PageRequest,
    encode_cursor,
    page_parameters,
    page_rows,
    scans_descending,
)
from domain.scope import in_scope
from tenants.principal import Actor

SORT_KEY = "page_sort_key"
ROW_ID = "row_id"
TOTAL_COUNT = "totalCount"


def converter(layout: Layout) -> Convert:
    """The converter of the root level's object (its relations' inside)."""
    return generate(layout)


class Cursors(Sequence[str]):
    """A page's cursors, each made when asked for: most clients ask for the end only."""

    def __init__(self, rows: list[Any], sort_at: int, id_at: int) -> None:
        self._rows, self._sort_at, self._id_at = rows, sort_at, id_at

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        row = self._rows[i]
        return encode_cursor([row[self._sort_at], row[self._id_at]])


# --------------------------------------------------------------------------- roots
@dataclass
class Call:
    """One request's call of a root field: its transaction, viewer and arguments."""

    conn: Any
    actor: Actor
    args: dict[str, Any]  # as graphql-core coerced them, checked as the guards do
    settings: Any
    errors: Errors  # FORBIDDEN fields' errors, at their paths
    # the arguments as the resolver gets them (strawberry's inputs and enums)
    python_args: Callable[[], dict[str, Any]]


class RootPlan:
    """How one root field is answered; `run` gives its finished value."""

    # the access guard's checks of the field's filter and orderBy (api.core.access)
    checks: list[tuple[str, Any]] = []

    def covers(self, args: dict[str, Any]) -> bool:
        """Whether the plan answers a request with these arguments."""
        return True

    async def run(self, call: Call) -> Any:
        raise NotImplementedError


@dataclass
class Refused(RootPlan):
    """A root field the role may not read at all: FORBIDDEN, as its guard answers."""

    message: str

    async def run(self, call: Call) -> Any:
        raise forbidden(self.message)


@dataclass
class OneRow(RootPlan):
    """A row by global id (a by-id root field, or `node(id:)` of one type)."""

    key: str
    source: ByIdSource
    layout: Layout
    convert: Convert
    statements: LRUCache[Any, Prepared] = field(default_factory=lambda: LRUCache(256))  # by viewer

    async def run(self, call: Call) -> Any:
        conn, actor = call.conn, call.actor
        uuid = from_global_id(call.args["id"], self.source.type_name)[1]
        prepared = self.statements.get(actor.user_id)
        if prepared is None:
            level = self.layout.levels[0][0]
            table = level.table
            row_id = sa.bindparam(ROW_ID, uuid, type_=table.c.id.type)
            root = sa.select(table).select_from(level.source)
            root = root.where(table.c.id == row_id, in_scope(actor, self.source.entity))
            prepared = prepare(conn, statement(self.layout, actor, root))
            self.statements[actor.user_id] = prepared
        rows = await prepared.fetch(conn, {ROW_ID: uuid})
        if not rows:
            raise AppError(Code.NOT_FOUND, self.source.missing)
        return self.convert(rows[0], (self.key,), call.errors)


@dataclass
class Page(RootPlan):
    """A connection of a list's rows: edges, nodes, pageInfo, in the client's shape."""

    key: str
    source: ListSource
    layout: Layout
    shape: Shape
    page_request: Callable[..., PageRequest]
    counted: bool  # the client selected totalCount: one more statement counts the rows
    # by viewer (their record scope is in the SQL) and the page's shape
    listings: LRUCache[Any, Listing] = field(default_factory=lambda: LRUCache(256))
    statements: LRUCache[Any, Prepared] = field(default_factory=lambda: LRUCache(256))

    async def run(self, call: Call) -> Any:
        conn, actor, args = call.conn, call.actor, call.args
        page = self.page_request(
            call.settings,
            args.get("first"),
            args.get("after"),
            args.get("last"),
            args.get("before"),
        )
        if args.get("filter") is None and args.get("orderBy") is None:
            listing = self._viewer_listing(actor)
            found = await self._unfiltered(call, listing, page)
            total = await self._unfiltered_total(call, listing) if self.counted else None
        else:
            given = call.python_args()
            listing = self.source.listing(actor, given.get("filter"), given.get("order_by"))
            self._check(page, listing)
            found = list((await conn.execute(self._statement(actor, listing, page))).all())
            total = int(await conn.scalar(listing.count_statement())) if self.counted else None
        rows, has_next, has_previous = page_rows(found, page)
        sort_at, id_at = self.layout.index[0, SORT_KEY], self.layout.index[0, "id"]
        cursors = Cursors(rows, sort_at, id_at)
        return self.shape(rows, cursors, has_next, has_previous, call.errors, total)

    def _viewer_listing(self, actor: Actor) -> Listing:
        """The list as no filter and no orderBy give it, built once per viewer."""
        listing = self.listings.get(actor.user_id)
        if listing is None:
            listing = self.listings[actor.user_id] = self.source.listing(actor, None, None)
        return listing

    async def _unfiltered(self, call: Call, listing: Listing, page: PageRequest) -> list[Any]:
        """The unfiltered list's page: the same statement for every request of this
        viewer and page shape, compiled once."""
        actor = call.actor
        self._check(page, listing)
        values = page_parameters(page, listing.sort, listing.id_column)
        shape = (actor.user_id, CURSOR_SORT in values, page.backwards)
        prepared = self.statements.get(shape)
        if prepared is None:
            statement = self._statement(actor, listing, page)
            prepared = self.statements[shape] = prepare(call.conn, statement)
        return await prepared.fetch(call.conn, values)

    async def _unfiltered_total(self, call: Call, listing: Listing) -> int:
        """The unfiltered list's rows in all: its count statement, compiled once per viewer."""
        key = (call.actor.user_id, TOTAL_COUNT)
        prepared = self.statements.get(key)
        if prepared is None:
            prepared = self.statements[key] = prepare(call.conn, listing.count_statement())
        return int((await prepared.fetch(call.conn, {}))[0][0])

    def _check(self, page: PageRequest, listing: Listing) -> None:
        if self.source.check is not None:
            self.source.check(page, listing)

    def _statement(self, actor: Actor, listing: Listing, page: PageRequest) -> sa.Select[Any]:
        query = statement(
            self.layout, actor, listing.page_statement(page), {SORT_KEY: listing.sort}
        )
        top = query.selected_columns
        sort, id = top[self.layout.index[0, SORT_KEY]], top[self.layout.index[0, "id"]]
        if scans_descending(page, listing.descending):
            return query.order_by(sort.desc(), id.desc())
        return query.order_by(sort.asc(), id.asc())


# (rows, cursors, has_next, has_previous, errors, the rows in all or None) -> the value
Shape = Callable[[list[Any], Sequence[str], bool, bool, Errors, int | None], dict[str, Any]]


def page_shape(
    key: str,
    conn_type: GraphQLObjectType,
    grouped: Mapping[str, list[Any]],
    collect: Collect,
    node_convert: Convert,
) -> Shape:
    """The converter of a connection's selection (edges { cursor node }, nodes, pageInfo,
    totalCount)."""
    parts: list[tuple[str, Callable[..., Any] | None]] = []  # None: totalCount
    for out, details in grouped.items():
        name = details[0].node.name.value
        if details[0].node.arguments:
            raise Unsupported("a connection field with arguments")
        if name == TOTAL_COUNT:
            parts.append((out, None))
        elif name == "__typename":
            parts.append((out, _constant(conn_type.name)))
        elif name == "pageInfo":
            parts.append((out, _page_info(_object(conn_type, name), details, collect)))
        elif name == "edges":
            parts.append(
                (out, _edges(key, out, _object(conn_type, name), details, collect, node_convert))
            )
        elif name == "nodes":
            parts.append((out, _nodes(key, out, node_convert)))
        else:
            raise Unsupported(f"{conn_type.name}.{name}")

    def shape(
        rows: list[Any],
        cursors: Sequence[str],
        has_next: bool,
        has_previous: bool,
        errors: Errors,
        total: int | None,
    ) -> dict[str, Any]:
        return {
            out: total if part is None else part(rows, cursors, has_next, has_previous, errors)
            for out, part in parts
        }

    return shape


def counts(grouped: Mapping[str, list[Any]]) -> bool:
    """Whether a connection's selection asks for its rows in all."""
    return any(details[0].node.name.value == TOTAL_COUNT for details in grouped.values())


def _object(parent: GraphQLObjectType, name: str) -> GraphQLObjectType:
    found = get_named_type(parent.fields[name].type)
    assert isinstance(found, GraphQLObjectType)
    return found


def _constant(value: Any) -> Callable[..., Any]:
    return lambda *_: value


PAGE_INFO = {
    "hasNextPage": lambda rows, cursors, has_next, has_previous: has_next,
    "hasPreviousPage": lambda rows, cursors, has_next, has_previous: has_previous,
    "startCursor": lambda rows, cursors, *_: cursors[0] if cursors else None,
    "endCursor": lambda rows, cursors, *_: cursors[-1] if cursors else None,
}


def _page_info(
    gtype: GraphQLObjectType, details: list[Any], collect: Collect
) -> Callable[..., Any]:
    fields: list[tuple[str, Callable[..., Any]]] = []
    for out, sub in collect(gtype, details).items():
        name = sub[0].node.name.value
        if name == "__typename":
            fields.append((out, _constant(gtype.name)))
        elif name in PAGE_INFO:
            fields.append((out, PAGE_INFO[name]))
        else:
            raise Unsupported(f"PageInfo.{name}")

    def page_info(
        rows: list[Any], cursors: Sequence[str], has_next: bool, has_previous: bool, errors: Errors
    ) -> dict[str, Any]:
        return {out: f(rows, cursors, has_next, has_previous) for out, f in fields}

    return page_info


def _edges(
    key: str,
    out: str,
    gtype: GraphQLObjectType,
    details: list[Any],
    collect: Collect,
    node_convert: Convert,
) -> Callable[..., Any]:
    fields: list[tuple[str, str]] = []
    for edge_out, sub in collect(gtype, details).items():
        name = sub[0].node.name.value
        if name not in ("__typename", "cursor", "node") or sub[0].node.arguments:
            raise Unsupported(f"{gtype.name}.{name}")
        fields.append((edge_out, name))
    typename = gtype.name

    def edges(
        rows: list[Any], cursors: Sequence[str], has_next: bool, has_previous: bool, errors: Errors
    ) -> list[dict[str, Any]]:
        result = []
        for i, row in enumerate(rows):
            edge: dict[str, Any] = {}
            for edge_out, name in fields:
                if name == "node":
                    edge[edge_out] = node_convert(row, (key, out, i, edge_out), errors)
                elif name == "cursor":
                    edge[edge_out] = cursors[i]
                else:
                    edge[edge_out] = typename
            result.append(edge)
        return result

    return edges


def _nodes(key: str, out: str, node_convert: Convert) -> Callable[..., Any]:
    def nodes(
        rows: list[Any], cursors: Sequence[str], has_next: bool, has_previous: bool, errors: Errors
    ) -> list[dict[str, Any]]:
        return [node_convert(row, (key, out, i), errors) for i, row in enumerate(rows)]

    return nodes


def node_selections(
    conn_type: GraphQLObjectType, grouped: Mapping[str, list[Any]], collect: Collect
) -> tuple[GraphQLObjectType, list[Any]]:
    """The one selection made on a connection's nodes (through `edges { node }` or
    `nodes`): the planner joins one level per row, so two differing ones are not covered."""
    found: list[Any] = []
    item_type: GraphQLObjectType | None = None
    for details in grouped.values():
        name = details[0].node.name.value
        if name == "edges":
            edge_type = _object(conn_type, name)
            for sub in collect(edge_type, details).values():
                if sub[0].node.name.value == "node":
                    found.append(sub)
                    item_type = _object(edge_type, "node")
        elif name == "nodes":
            found.append(details)
            item_type = _object(conn_type, name)
    if len(found) > 1:
        raise Unsupported("nodes selected more than once")
    if item_type is None:
        edge_type = _object(conn_type, "edges")
        item_type = _object(edge_type, "node")
    return item_type, found[0] if found else []


def plan_page(
    key: str,
    source: ListSource,
    conn_type: GraphQLObjectType,
    details: list[Any],
    access: Access,
    collect: Collect,
    page_request: Callable[..., PageRequest],
) -> Page:
    grouped = collect(conn_type, details)
    item_type, selected = node_selections(conn_type, grouped, collect)
    level = build_level(
        item_type, collect(item_type, selected) if selected else {}, access, collect
    )
    if level.entity != source.entity:
        raise Unsupported("the list's rows are another entity's")
    layout = lay_out(level, (SORT_KEY,))
    node_convert = converter(layout)
    shape = page_shape(key, conn_type, grouped, collect, node_convert)
    return Page(key, source, layout, shape, page_request, counts(grouped))


def plan_one(
    key: str,
    source: ByIdSource,
    gtype: GraphQLObjectType,
    details: list[Any],
    access: Access,
    collect: Collect,
) -> OneRow:
    level = build_level(gtype, collect(gtype, details), access, collect)
    if level.entity != source.entity:
        raise Unsupported("the row is another entity's")
    layout = lay_out(level)
    return OneRow(key, source, layout, converter(layout))
