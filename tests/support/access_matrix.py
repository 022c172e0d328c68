"""The authorization matrix, generated from the access catalog and the built-in grants
(tenants/access) over the GraphQL schema: for every role, every entity and every field,
what a request through the API must answer.

Reads: every catalog entity is reached from a root query field (its own list, or a
relation of an entity reached before it: a pipeline's `stages`), every catalog field of
it selected (a relation as `{ __typename }`), and the documents packed as few as the
app's cost and token limits allow. A field the role reads answers without an error; one
it may not read is null with FORBIDDEN at its path. What "reads" means is the policy's:
granted on the entity (on the viewer's own row too, for `self_readable` fields), and,
for a relation, the entity it returns readable (or the relation a reference).

Writes: every mutation taking an `input` is sent with the input's required keys and
then with each key the role may not write alone: the whole mutation is FORBIDDEN when
the role lacks the mutation's action or sends a field it may not write, and passes the
access guard otherwise (whatever the service then answers about made-up values).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    parse,
    validate,
)

from api.core.access import LOCATOR_KEYS, entity_of, field_access, returned_entity
from api.core.relay import to_global_id
from api.cost import query_cost_rule
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import field_metadata, graphql_schema, python_class
from tenants.access.catalog import catalog
from tenants.access.policy import Policy, Read

SETTINGS = Settings(env="development")
SCHEMA: GraphQLSchema = graphql_schema(build_schema(SETTINGS))
PAGE = 10  # rows per list: enough for every entity to show up, cheap enough to pack
# required arguments of a root field, filled in from the rows the matrix arranged
ROOT_ARGUMENTS = {"webhookDeliveries": {"webhookId": "ID!"}}


# ------------------------------------------------------------------------- routes
@dataclass(frozen=True)
class Hop:
    """A field that leads to rows of `entity` (`nodes` of it, for a connection)."""

    field: str
    entity: str
    connection: bool


def rows_of(gtype: Any) -> tuple[str, bool] | None:
    """The entity whose rows a field returns, and whether they come as a connection."""
    named = get_named_type(gtype)
    if not isinstance(named, GraphQLObjectType):
        return None
    if entity_of(named) is not None:
        return entity_of(named), False
    nodes = named.fields.get("nodes")
    inner = entity_of(get_named_type(nodes.type)) if nodes is not None else None
    return (inner, True) if inner is not None else None


def _reachable(field: GraphQLField, allowed: Mapping[str, str]) -> bool:
    required = {n for n, a in field.args.items() if isinstance(a.type, GraphQLNonNull)}
    return required <= set(allowed)


def routes() -> dict[str, tuple[Hop, ...]]:
    """For every entity, the shortest way to its rows from the root (breadth first)."""
    found: dict[str, tuple[Hop, ...]] = {}
    queue: deque[str] = deque()

    def reach(name: str, field: GraphQLField, before: tuple[Hop, ...], args: Any) -> None:
        rows = rows_of(field.type)
        if rows is None or rows[0] in found or not _reachable(field, args):
            return
        found[rows[0]] = (*before, Hop(name, *rows))
        queue.append(rows[0])

    assert SCHEMA.query_type is not None
    for name, root in SCHEMA.query_type.fields.items():
        reach(name, root, (), ROOT_ARGUMENTS.get(name, {}))
    while queue:
        entity = queue.popleft()
        gtype = SCHEMA.type_map[entity]
        assert isinstance(gtype, GraphQLObjectType)
        for name, relation in gtype.fields.items():
            reach(name, relation, found[entity], {})
    return found


ROUTES = routes()


def _children() -> dict[tuple[str, ...], list[str]]:
    """Route prefix (field names from the root) -> the entities one hop below it."""
    below: dict[tuple[str, ...], list[str]] = {}
    for entity, route in ROUTES.items():
        below.setdefault(tuple(h.field for h in route[:-1]), []).append(entity)
    return below


CHILDREN = _children()


# ----------------------------------------------------------------------- documents
def _page(hop: Hop, root: bool) -> str:
    args = [f"{n}: ${n}" for n in ROOT_ARGUMENTS.get(hop.field, {})] if root else []
    if hop.connection:
        args.append(f"first: {PAGE}")
    return f"({', '.join(args)})" if args else ""


def _selection(entity: str, path: tuple[str, ...]) -> str:
    gtype = SCHEMA.type_map[entity]
    assert isinstance(gtype, GraphQLObjectType)
    nested = {ROUTES[e][-1].field: e for e in CHILDREN.get(path, [])}
    parts = ["id"] if "id" in gtype.fields else []
    for name in catalog()[entity].fields:
        if name in nested:
            parts.append(_hop(ROUTES[nested[name]][-1], (*path, name), root=False))
        elif isinstance(get_named_type(gtype.fields[name].type), GraphQLObjectType):
            parts.append(f"{name} {{ __typename }}")
        else:
            parts.append(name)
    return " ".join(parts)


def _hop(hop: Hop, path: tuple[str, ...], root: bool) -> str:
    inner = _selection(hop.entity, path)
    rows = f"nodes {{ {inner} }}" if hop.connection else inner
    return f"{hop.field}{_page(hop, root)} {{ {rows} }}"


def root_selections() -> dict[str, str]:
    """Root field -> its selection: every entity below it, with every catalog field."""
    return {
        ROUTES[e][0].field: _hop(ROUTES[e][0], (ROUTES[e][0].field,), root=True)
        for e in CHILDREN[()]
    }


def _document(roots: list[str], selections: Mapping[str, str]) -> str:
    declared = [f"${n}: {t}" for r in roots for n, t in ROOT_ARGUMENTS.get(r, {}).items()]
    head = f"query({', '.join(declared)})" if declared else "query"
    return head + " { " + " ".join(selections[r] for r in roots) + " }"


def _fits(document: str) -> bool:
    try:
        parsed = parse(document, max_tokens=SETTINGS.max_tokens)
    except GraphQLError:  # over the token limit
        return False
    return not validate(SCHEMA, parsed, [query_cost_rule(SETTINGS)])


ROOTS = {ROUTES[e][0].field: ROUTES[e][0] for e in CHILDREN[()]}


def read_documents() -> list[tuple[list[Hop], str]]:
    """Every root's selection, packed into as few documents as the limits allow; with
    the roots each document asks for."""
    selections = root_selections()
    packs: list[list[str]] = [[]]
    for root in selections:
        if packs[-1] and not _fits(_document([*packs[-1], root], selections)):
            packs.append([])
        packs[-1].append(root)
        assert _fits(_document(packs[-1], selections)), f"{root} alone is over a limit"
    return [([ROOTS[r] for r in roots], _document(roots, selections)) for roots in packs]


# --------------------------------------------------------------------- expectations
def relation_target(parent: str, name: str) -> str | None:
    """The entity a field returns, unless its rows are readable without it."""
    gfield = _object(parent).fields[name]
    metadata = field_metadata(gfield)
    if metadata.get("reference") or metadata.get("own_record"):
        return None
    return returned_entity(get_named_type(gfield.type))


def _object(name: str) -> GraphQLObjectType:
    gtype = SCHEMA.type_map[name]
    assert isinstance(gtype, GraphQLObjectType)
    return gtype


def reads(policy: Policy, entity: str, name: str, own_row: bool) -> bool:
    """Whether the role reads `entity.name` on a row (its own, or another's)."""
    decision = policy.read(entity, name)
    on_row = decision is Read.ALLOW or (own_row and Read.SELF in decision)
    target = relation_target(entity, name)
    return on_row and (target is None or policy.can(target, "read"))


@dataclass
class ReadCheck:
    """What one role's answers showed, against what the policy says."""

    policy: Policy
    own_ids: frozenset[str]
    expected: set[tuple[Any, ...]] = field(default_factory=set)  # FORBIDDEN paths
    shown: set[str] = field(default_factory=set)  # entities some row of which came back

    def root(self, hop: Hop, value: Any) -> None:
        if not self.policy.can(hop.entity, "read"):
            self.expected.add((hop.field,))
        else:
            self.rows(hop, value, (hop.field,), (hop.field,))

    def rows(self, hop: Hop, value: Any, path: tuple[Any, ...], route: tuple[str, ...]) -> None:
        if value is None:
            return
        if hop.connection:
            value, path = value["nodes"], (*path, "nodes")
        if not isinstance(value, list):
            self.row(hop.entity, value, path, route)
            return
        for index, row in enumerate(value):
            self.row(hop.entity, row, (*path, index), route)

    def row(
        self, entity: str, row: Mapping[str, Any], path: tuple[Any, ...], route: tuple[str, ...]
    ) -> None:
        own = row.get("id") in self.own_ids
        nested = {ROUTES[e][-1].field: ROUTES[e][-1] for e in CHILDREN.get(route, [])}
        self.shown.add(entity)
        for name in catalog()[entity].fields:
            if not reads(self.policy, entity, name, own):
                self.expected.add((*path, name))
            elif name in nested:
                self.rows(nested[name], row[name], (*path, name), (*route, name))


def own_ids(viewer: Mapping[str, Any]) -> frozenset[str]:
    """The global ids of the viewer's own rows (its user and its employee record)."""
    rows = (viewer.get("user"), viewer.get("employee"))
    return frozenset(row["id"] for row in rows if row)


VIEWER = "{ viewer { user { id } employee { id } } }"


# --------------------------------------------------------------------------- writes
@dataclass(frozen=True)
class Write:
    """A mutation sent with its required keys and some optional ones (by path: a nested
    input's key follows its parent's, `("lines", "unitPrice")`)."""

    mutation: str
    input_type: GraphQLInputObjectType
    keys: tuple[tuple[str, ...], ...] = ()

    @property
    def document(self) -> str:
        return (
            f"mutation($input: {self.input_type.name}!) "
            f"{{ {self.mutation}(input: $input) {{ __typename }} }}"
        )

    @property
    def value(self) -> dict[str, Any]:
        value = required_value(self.input_type)
        for path in self.keys:
            _give(value, self.input_type, path)
        return value

    @property
    def named(self) -> str:
        return ", ".join(".".join(path) for path in self.keys) or "its required keys"


def _give(value: dict[str, Any], input_type: GraphQLInputObjectType, path: tuple[str, ...]) -> None:
    """Set the key at `path` in `value`, making the inputs above it as they must be."""
    key, rest = path[0], path[1:]
    gtype = input_type.fields[key].type
    if not rest:
        value[key] = made_up(gtype)
        return
    value.setdefault(key, made_up(gtype))
    nested = get_named_type(gtype)
    assert isinstance(nested, GraphQLInputObjectType)
    for item in value[key] if isinstance(value[key], list) else [value[key]]:
        _give(item, nested, rest)


def input_mutations() -> Iterator[tuple[str, GraphQLField, GraphQLInputObjectType]]:
    assert SCHEMA.mutation_type is not None
    for name, mutation in SCHEMA.mutation_type.fields.items():
        arg = mutation.args.get("input")
        if arg is not None:
            input_type = get_named_type(arg.type)
            assert isinstance(input_type, GraphQLInputObjectType)
            yield name, mutation, input_type


def optional_keys(
    input_type: GraphQLInputObjectType, above: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """The paths of the keys a client may leave out, nested inputs' included."""
    for key, f in input_type.fields.items():
        if key in _locators(input_type):
            continue
        if not isinstance(f.type, GraphQLNonNull):
            yield (*above, key)
        nested = get_named_type(f.type)
        if isinstance(nested, GraphQLInputObjectType):
            yield from optional_keys(nested, (*above, key))


def _locators(input_type: GraphQLInputObjectType) -> tuple[str, ...]:
    return getattr(python_class(input_type), "__locators__", LOCATOR_KEYS)  # type: ignore[no-any-return]


def written(input_type: GraphQLInputObjectType, value: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The (entity, field) pairs a value of `input_type` writes, nested inputs included:
    each key is the field of its name unless the input says otherwise (`__writes__`)."""
    entity = entity_of(input_type)
    writes: Mapping[str, tuple[str, ...]] = getattr(python_class(input_type), "__writes__", {})
    out: set[tuple[str, str]] = set()
    for key, sub in value.items():
        if key in _locators(input_type):
            continue
        if entity is not None:
            out |= {(entity, f) for f in writes.get(key, (key,))}
        nested = get_named_type(input_type.fields[key].type)
        if isinstance(nested, GraphQLInputObjectType):
            for item in sub if isinstance(sub, list) else [sub]:
                out |= written(nested, item)
    return out


def refused(policy: Policy, mutation: GraphQLField, write: Write) -> bool:
    """Whether the policy refuses the whole mutation: its action, or a field it writes."""
    declared = field_access(mutation)
    assert declared is not None, f"{write.mutation} declares no access"
    if not policy.can(*declared):
        return True
    return any(not policy.can_write(e, f) for e, f in written(write.input_type, write.value))


def writes_for(policy: Policy) -> Iterator[tuple[Write, bool]]:
    """Each mutation with its required keys; where the role may send those, each
    optional key it may not write alone, and all the ones it may write together. With
    each, whether the policy refuses it."""
    for name, mutation, input_type in input_mutations():
        base = Write(name, input_type)
        if refused(policy, mutation, base):
            yield base, True  # the action or a required key: every variant is refused too
            continue
        allowed: list[tuple[str, ...]] = []
        for path in optional_keys(input_type):
            one = Write(name, input_type, (path,))
            if refused(policy, mutation, one):
                yield one, True
            else:
                allowed.append(path)
        yield Write(name, input_type, tuple(allowed)), False


# ------------------------------------------------------------------- made-up values
SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "Decimal": "1",
    "Date": "2030-01-01",
    "DateTime": "2030-01-01T00:00:00+00:00",
    "JSON": {},
}


def made_up(gtype: Any) -> Any:
    """A value of `gtype` that passes GraphQL's validation (an id names no row)."""
    if isinstance(gtype, GraphQLNonNull):
        return made_up(gtype.of_type)
    if isinstance(gtype, GraphQLList):
        return [made_up(gtype.of_type)]
    if isinstance(gtype, GraphQLInputObjectType):
        return required_value(gtype)
    if isinstance(gtype, GraphQLEnumType):
        return next(iter(gtype.values))
    assert isinstance(gtype, GraphQLScalarType)
    if gtype.name == "ID":
        return to_global_id("Nothing", uuid4())
    return SCALARS[gtype.name]


def required_value(input_type: GraphQLInputObjectType) -> dict[str, Any]:
    return {
        key: made_up(f.type)
        for key, f in input_type.fields.items()
        if isinstance(f.type, GraphQLNonNull)
    }
