"""A plan's object levels: which columns of which table a selection needs, and how one
result row becomes the selection's response object.

A level is one GraphQL object type backed by one catalog entity's table (domain/entities):
its leaf fields are that table's columns, its to-one relations are levels of their own,
joined below it. What the access analysis (api.core.access) refused is decided here
once, for every row: the field is not selected, and each row gets its null and its
FORBIDDEN error. A field readable on the viewer's own record only is selected as
`CASE WHEN <own row> THEN column END`, decided per row in SQL. Anything a level cannot
say for sure raises `Unsupported`, and the root field takes the ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
    located_error,
)

from api.core.access import Rule, entity_of
from api.core.loaders import Relation
from api.errors import forbidden
from api.strawberry_internals import has_resolver, python_class
from domain.entities import ENTITIES
from domain.entity import Stored
from domain.ids import sql_global_id
from domain.kit.children import Children
from domain.kit.computed import Computed
from domain.money import PRINTED_PLACES
from domain.ownership import Person
from tenants.principal import Actor

Row = Any
Path = tuple[Any, ...]
Errors = list[GraphQLError]
Convert = Callable[[Row, Path, Errors], Any]


class Unsupported(Exception):
    """The planner does not cover this selection: the ordinary path answers it."""


@dataclass
class Level:
    """One object type's rows in the statement, selected from its entity's table."""

    gtype: GraphQLObjectType
    entity: str
    table: sa.Table
    # label -> column of `table` (or an expression over it) this level selects
    columns: dict[str, Any] = field(default_factory=dict)
    # label -> column compared with the viewer's user id: the row is the viewer's own
    own: dict[str, sa.ColumnElement[Any]] = field(default_factory=dict)
    slots: list[Slot] = field(default_factory=list)
    children: list[ToOne] = field(default_factory=list)
    in_json: bool = False  # its rows reach Python as JSON arrays
    # the FROM of its rows: the table, or the table joined to what computes its
    # computed fields (`__computed__`, domain.kit.computed)
    source: Any = None

    def select(self, actor: Actor) -> list[Any]:
        """This level's inner select list, over its table."""
        chosen = []
        for label, column in self.columns.items():
            if label.startswith("own_"):
                column = sa.case((self.own[label.removeprefix("own_")] == actor.user_id, column))
            elif label.startswith("is_own_"):
                column = self.own[label.removeprefix("is_own_")] == actor.user_id
            chosen.append(column.label(label))
        return chosen


@dataclass
class ToOne:
    """A relation to one row of another entity, joined below its parent level."""

    key: str  # the parent's label of the reference column
    level: Level
    scoped: bool  # within the viewer's record scope (else: a reference, e.g. an owner)


class Slot:
    """One response key of a level's object (api.compiled.codegen writes its source)."""

    key: str


@dataclass
class Typename(Slot):
    key: str
    name: str


@dataclass
class GlobalId(Slot):
    key: str
    type_name: str


@dataclass
class Leaf(Slot):
    """A column's value, serialized as its GraphQL type says."""

    key: str
    label: str
    serialize: Callable[[Any], Any]
    python_type: type | None = None  # of its column's values


@dataclass
class Many(Slot):
    """A to-many relation (domain.kit.children): its rows, aggregated by PostgreSQL into
    one JSON array per parent row, each item an array laid out like a row."""

    key: str
    spec: Children
    items: Level
    layout: Any = None  # the items' own layout (api.compiled.roots.lay_out)


@dataclass
class Joined(Slot):
    """A to-one relation: the joined level's object, or null when no row was joined."""

    key: str
    child: ToOne
    child_no: int = -1  # its level's number in the layout


Index = Mapping[tuple[int, str], int]


@dataclass
class Denied(Slot):
    """A field the role may not read here: null, and FORBIDDEN at its path, every row."""

    key: str
    nodes: list[FieldNode]
    message: str

    def step(self, index: Index, level_no: int) -> Convert:
        key, nodes, message = self.key, self.nodes, self.message

        def denied(row: Row, path: Path, errors: Errors) -> Any:
            errors.append(located_error(forbidden(message), nodes, [*path, key]))

        return denied


@dataclass
class OwnOnly(Slot):
    """A field readable on the viewer's own record only: SQL gives its value on that row
    and null elsewhere, with the row's `is_own_` flag saying which."""

    key: str
    label: str
    serialize: Callable[[Any], Any]
    nodes: list[FieldNode]
    message: str

    def step(self, index: Index, level_no: int) -> Convert:
        at, own = index[level_no, f"own_{self.label}"], index[level_no, f"is_own_{self.label}"]
        key, nodes, message, serialize = self.key, self.nodes, self.message, self.serialize

        def own_only(row: Row, path: Path, errors: Errors) -> Any:
            if row[own]:
                value = row[at]
                return None if value is None else serialize(value)
            errors.append(located_error(forbidden(message), nodes, [*path, key]))
            return None

        return own_only


# --------------------------------------------------------------------------- building
Collect = Callable[[GraphQLObjectType, list[Any]], Mapping[str, list[Any]]]


@dataclass(frozen=True)
class Access:
    """What the access analysis decided for this document and role."""

    denied: Mapping[int, Rule]

    def rule(self, nodes: list[FieldNode]) -> Rule | None:
        for node in nodes:
            found = self.denied.get(id(node))
            if found is not None:
                return found
        return None


def stored(gtype: GraphQLObjectType) -> Stored:
    entity = entity_of(gtype)
    description = ENTITIES.get(entity) if entity else None
    if not isinstance(description, Stored):
        raise Unsupported(f"{gtype.name} is not one table's rows")
    return description


def build_level(
    gtype: GraphQLObjectType,
    grouped: Mapping[str, list[Any]],
    access: Access,
    collect: Collect,
    via_reference: bool = False,
    in_json: bool = False,
) -> Level:
    """The level of `gtype` for the grouped fields selected on it (graphql-core's field
    collection: aliases, fragments, @include/@skip already applied). `in_json`: its
    rows reach Python as JSON arrays (the items of a to-many relation)."""
    description = stored(gtype)
    computed: Computed | None = getattr(python_class(gtype), "__computed__", None)
    level = Level(gtype, description.name, description.table, in_json=in_json)
    level.source = description.table
    level.columns["id"] = description.table.c.id
    prefetch: Mapping[str, tuple[Relation, str]] = getattr(python_class(gtype), "__prefetch__", {})
    children: Mapping[str, Children] = getattr(python_class(gtype), "__children__", {})
    for key, details in grouped.items():
        nodes = [d.node for d in details]
        name = nodes[0].name.value
        if name == "__typename":
            level.slots.append(Typename(key, gtype.name))
            continue
        gfield = gtype.fields[name]
        if nodes[0].arguments or any(d.defer_usage for d in details):
            raise Unsupported(f"{gtype.name}.{name} has arguments")
        rule = access.rule(nodes)
        own = False
        if rule is not None and not (rule.referenced and via_reference):
            if rule.row_reveals is not None or is_non_null_type(gfield.type):
                raise Unsupported(f"{gtype.name}.{name} is refused row by row")
            if not rule.self_only:
                level.slots.append(Denied(key, nodes, rule.message))
                continue
            own = True
        if name == "id" and not own:
            level.columns[f"gid_{gtype.name}"] = sql_global_id(gtype.name, description.table.c.id)
            level.slots.append(GlobalId(key, gtype.name))
        elif name in prefetch and not own:
            relation, _ = prefetch[name]
            target = get_named_type(gfield.type)
            assert isinstance(target, GraphQLObjectType)
            reference = relation.reference is not None
            child = build_level(
                target, collect(target, details), access, collect, reference, in_json
            )
            if child.entity != (relation.entity or relation.reference):
                raise Unsupported(f"{gtype.name}.{name} loads another entity")
            column = description.column(name)
            if column is None:
                raise Unsupported(f"{gtype.name}.{name} names no column")
            label = f"ref_{name}"
            level.columns[label] = column
            joined = ToOne(label, child, scoped=not reference)
            level.children.append(joined)
            level.slots.append(Joined(key, joined))
        elif name in children and not own:
            spec = children[name]
            target = get_named_type(gfield.type)
            assert isinstance(target, GraphQLObjectType)
            items = build_level(target, collect(target, details), access, collect, in_json=True)
            if items.entity != spec.entity:
                raise Unsupported(f"{gtype.name}.{name} lists another entity")
            level.slots.append(Many(key, spec, items))
        else:
            _leaf(level, description, computed, gtype, name, key, nodes, rule if own else None)
    return level


def _leaf(
    level: Level,
    description: Stored,
    computed: Computed | None,
    gtype: GraphQLObjectType,
    name: str,
    key: str,
    nodes: list[FieldNode],
    own_rule: Rule | None,
) -> None:
    gfield = gtype.fields[name]
    named = get_named_type(gfield.type)
    column: Any = description.column(name)
    if computed is not None and name in computed.columns:
        column = computed.columns[name]
        level.source = computed.source  # the rows with what computes the column
    elif has_resolver(gfield) or not is_leaf_type(named) or name in description.derived:
        raise Unsupported(f"{gtype.name}.{name} is computed")
    if column is None:
        raise Unsupported(f"{gtype.name}.{name} names no column")
    serialize: Callable[[Any], Any] = named.serialize
    python_type = _python_type(column)
    if named.name == "ID" and python_type is UUID:
        # a reference printed as some type's global id (StockMovement.createdBy): which
        # type, only its resolver knows
        raise Unsupported(f"{gtype.name}.{name} is a global id of another row")
    if level.in_json and python_type is datetime:
        # JSON would print the session's offset and drop trailing zeros; UTC, and the
        # converter prints it as the DateTime scalar does
        column = sa.func.to_char(sa.func.timezone("UTC", column), JSON_TIMESTAMP)
        serialize, python_type = utc_isoformat, str
    elif level.in_json and python_type is date:
        serialize, python_type = str, str  # JSON prints a date as isoformat does
    elif level.in_json and python_type not in (str, int, bool, Decimal, UUID):
        raise Unsupported(f"{gtype.name}.{name}: no JSON form")
    if named.name == "Decimal":
        # printed by PostgreSQL as domain.money.decimal_string prints: every numeric
        # column has at most PRINTED_PLACES places, so rounding to them changes nothing
        column = sa.cast(sa.func.round(column, PRINTED_PLACES), sa.Text)
        serialize, python_type = str, str
    if own_rule is None:
        level.columns[name] = column
        level.slots.append(Leaf(key, name, serialize, python_type))
        return
    owner = _owner_column(description)
    level.columns[f"own_{name}"] = column
    level.columns[f"is_own_{name}"] = owner
    level.own[name] = owner
    level.slots.append(OwnOnly(key, name, serialize, nodes, own_rule.message))


def _owner_column(description: Stored) -> sa.ColumnElement[Any]:
    """The column that says a row is the viewer's own record (compared with their user
    id): a person's user, a user's id."""
    ownership = description.ownership
    if isinstance(ownership, Person):
        return ownership.user
    if description.name == "User":
        return description.table.c.id
    raise Unsupported(f"{description.name} rows have no owner to compare")


JSON_TIMESTAMP = 'YYYY-MM-DD"T"HH24:MI:SS.US'


def utc_isoformat(text: str) -> str:
    """A UTC timestamp PostgreSQL printed (JSON_TIMESTAMP), as the DateTime scalar
    prints the datetime asyncpg would have given."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat()


def _python_type(column: Any) -> type | None:
    try:
        found: type = column.type.python_type
    except NotImplementedError:
        return None
    return found
