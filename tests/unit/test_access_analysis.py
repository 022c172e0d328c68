"""The document analysis of api.core.access on a small schema of its own."""

from __future__ import annotations

import strawberry
from graphql import GraphQLObjectType, get_named_type, parse

from api.core.access import analyse, is_guarded, returned_entity
from api.core.relay import Connection
from api.schema import build_schema
from api.strawberry_internals import graphql_schema
from tenants.access.policy import EntityGrant, Policy


@strawberry.type
class Person:
    __entity__ = "User"
    name: str
    email: str | None


@strawberry.type
class Query:
    @strawberry.field
    def people(self) -> Connection[Person]:
        raise NotImplementedError

    @strawberry.field
    def person(self) -> Person | None:
        raise NotImplementedError


SCHEMA = graphql_schema(strawberry.Schema(Query))


def policy(read: set[str], actions: frozenset[str] = frozenset({"read"})) -> Policy:
    return Policy({"User": EntityGrant(actions, "all", frozenset(read), frozenset())})


def denied_names(query: str, pol: Policy) -> set[str]:
    return {node.name.value for node in analyse(SCHEMA, parse(query), pol)}


def test_unreadable_field_is_marked_whatever_the_alias_or_fragment():
    query = """
    { a: person { x: email } person { ...F } people { edges { node { ... on Person { email } } } } }
    fragment F on Person { email name }
    """
    marked = analyse(SCHEMA, parse(query), policy({"name"}))
    assert {n.name.value for n in marked} == {"email"}
    assert len(marked) == 3  # the aliased one, the fragment's and the inline fragment's


def test_connection_of_unreadable_entity_is_refused_at_the_root_field():
    assert "people" in denied_names("{ people { edges { cursor } } }", policy(set(), frozenset()))


def test_readable_fields_pass():
    assert denied_names("{ person { name email } }", policy({"name", "email"})) == set()


@strawberry.type
class Odd:
    __entity__ = "User"
    secret: str | None


@strawberry.type
class OddQuery:
    odd: Odd | None


def test_field_unknown_to_the_catalog_is_denied():
    # a field the catalog does not list is denied even to a role that reads every listed field
    schema = graphql_schema(strawberry.Schema(OddQuery))
    marked = analyse(schema, parse("{ odd { secret } }"), policy({"name", "email"}))
    assert [n.name.value for n in marked] == ["secret"]


def test_every_field_the_analysis_can_refuse_is_guarded():
    # a relation on a plain type (TimelineEntry.activity, DealStageChange.deal) is refused
    # by the analysis like any other; without a guard its mark would be ignored
    schema = graphql_schema(build_schema())
    unguarded = [
        f"{gtype.name}.{name}"
        for gtype in schema.type_map.values()
        if isinstance(gtype, GraphQLObjectType) and not gtype.name.startswith("__")
        for name, field in gtype.fields.items()
        if returned_entity(get_named_type(field.type)) is not None and not is_guarded(field)
    ]
    assert unguarded == []
