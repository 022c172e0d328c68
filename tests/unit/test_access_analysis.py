"""The document analysis of api.core.access on a small schema of its own."""

from __future__ import annotations

import strawberry
from graphql import parse

from api.core.access import analyse
from api.core.relay import Connection
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
