"""One description per entity: for every entity of the access catalog, its catalog fields,
its GraphQL type and its table agree (generated over the whole catalog), and every field
the schema can reach is decided by some access rule or says why it needs none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from api.core.access import entity_of, field_access, returned_entity
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import field_metadata, graphql_schema, python_class
from domain.entities import ENTITIES, SUPPORTING
from domain.entity import Computed, Stored
from tenants.access.catalog import catalog
from tenants.tables import metadata
from tests.conftest import ROOT

SCHEMA: GraphQLSchema = graphql_schema(build_schema(Settings(env="development")))
NAMES = sorted(catalog().entities)
STORED = sorted(name for name, entity in ENTITIES.items() if isinstance(entity, Stored))


def entity_types() -> dict[str, list[GraphQLObjectType]]:
    found: dict[str, list[GraphQLObjectType]] = {}
    for gtype in SCHEMA.type_map.values():
        if isinstance(gtype, GraphQLObjectType) and entity_of(gtype) is not None:
            found.setdefault(entity_of(gtype), []).append(gtype)
    return found


def test_every_catalog_entity_is_described_once():
    assert sorted(ENTITIES) == NAMES


def test_every_table_is_an_entitys_or_says_what_it_keeps():
    tables = {e.table.name for e in ENTITIES.values() if isinstance(e, Stored)}
    assert sorted(set(metadata.tables) - tables - set(SUPPORTING)) == []
    assert sorted(set(SUPPORTING) & tables) == []


@pytest.mark.parametrize("name", NAMES)
def test_one_graphql_type_of_the_entitys_name_shows_exactly_its_catalog_fields(name):
    types = entity_types().get(name, [])
    assert [t.name for t in types] == [name], "one object type per entity, named after it"
    shown = set(types[0].fields) - {"id"}
    declared = set(catalog()[name].fields)
    assert sorted(shown - declared) == [], "GraphQL fields no catalog entry covers"
    assert sorted(declared - shown) == [], "catalog fields the GraphQL type lacks"


def _where(text: str) -> None:
    path = text.split(":")[0].split(" ")[0]
    assert (ROOT / path).is_file(), f"{text!r} names no file of the repository"


@pytest.mark.parametrize("name", STORED)
def test_each_catalog_field_is_a_column_or_derived(name):
    entity = ENTITIES[name]
    fields = catalog()[name].fields
    assert sorted(set(entity.derived) - set(fields)) == [], "derived names no catalog field"
    assert sorted(set(entity.columns) - set(fields)) == [], "columns names no catalog field"
    for field in fields:
        column = entity.column(field)
        problem = "neither a column nor derived" if column is None else "a column, yet derived"
        assert (column is None) == (field in entity.derived), f"{name}.{field}: {problem}"
    for where in entity.derived.values():
        _where(where)


@pytest.mark.parametrize("name", STORED)
def test_each_column_is_shown_by_a_field_or_internal(name):
    entity = ENTITIES[name]
    shown = {c.name for f in catalog()[name].fields if (c := entity.column(f)) is not None}
    columns = set(entity.table.c.keys())
    assert sorted(columns - shown - set(entity.hidden)) == [], "columns no field shows"
    assert sorted(set(entity.internal) - columns) == [], "internal names no column"
    assert sorted(set(entity.internal) & shown) == [], "internal, yet a field shows it"


@pytest.mark.parametrize("name", sorted(set(NAMES) - set(STORED)))
def test_a_computed_entity_says_where_it_is_added_up(name):
    entity = ENTITIES[name]
    assert isinstance(entity, Computed)
    _where(entity.source)


# ----------------------------------------------------------------- every field decided
def _guarded(parent: GraphQLObjectType, field: GraphQLField) -> bool:
    """What api/access.py decides for a field (analyse: `_rule_for`)."""
    return (
        field_access(field) is not None
        or field_metadata(field).get("reveals") is not None
        or entity_of(parent) is not None  # the policy's read of the entity's field
        or returned_entity(get_named_type(field.type)) is not None  # the target's read
    )


def _declared(parent: GraphQLObjectType, field: GraphQLField) -> bool:
    return bool(
        field_metadata(field).get("unguarded") or getattr(python_class(parent), "__unguarded__", "")
    )


def _object_types(gtype: Any) -> list[GraphQLObjectType]:
    named = get_named_type(gtype)
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return list(SCHEMA.get_possible_types(named))
    return [named] if isinstance(named, GraphQLObjectType) else []


def _undecided() -> Iterator[str]:
    """Fields reachable from the roots that no rule decides: a type reached only through
    guarded fields is guarded by them (a deal's `history` entries, a payload's errors);
    one reached through an unguarded field must decide its own fields."""
    stack = [(SCHEMA.query_type, False), (SCHEMA.mutation_type, False)]
    stack.append((SCHEMA.subscription_type, False))
    seen: set[tuple[str, bool]] = set()
    while stack:
        gtype, behind_guard = stack.pop()
        if gtype is None or (gtype.name, behind_guard) in seen:
            continue
        seen.add((gtype.name, behind_guard))
        for name, field in gtype.fields.items():
            guarded = _guarded(gtype, field)
            if not (guarded or behind_guard or _declared(gtype, field)):
                yield f"{gtype.name}.{name}"
            stack += [(t, guarded or behind_guard) for t in _object_types(field.type)]


def test_every_reachable_field_is_guarded_or_declared_unguarded_with_a_reason():
    assert sorted(set(_undecided())) == []


def test_unguarded_declarations_give_a_reason():
    for gtype in SCHEMA.type_map.values():
        if not isinstance(gtype, GraphQLObjectType):
            continue
        reasons = [getattr(python_class(gtype), "__unguarded__", None)]
        reasons += [field_metadata(f).get("unguarded") for f in gtype.fields.values()]
        for reason in (r for r in reasons if r is not None):
            assert isinstance(reason, str) and len(reason) > 20, gtype.name
