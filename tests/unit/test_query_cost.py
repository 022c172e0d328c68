"""api/cost.py: nested pages multiply, variables count as the maximum, fragments count."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from graphql import parse, validate

from api.cost import at_most, per_list, query_cost_rule
from api.settings import Settings
from api.strawberry_internals import graphql_schema


@strawberry.type
class Line:
    quantity: int
    sku: str


@strawberry.type
class LinePage:
    """A connection's shape: its page of items, and a count answered once for the list."""

    items: list[Line] = strawberry.field(metadata=at_most(1))  # the page size counted it
    total: int = strawberry.field(metadata=per_list())


@strawberry.type
class Order:
    number: str
    tags: list[str]  # a leaf: its items cost nothing below them
    undeclared: list[Line]
    notes: list[Line] = strawberry.field(metadata=at_most(3))

    @strawberry.field
    def lines(self, first: int | None = None, last: int | None = None) -> list[Line]:
        return []

    @strawberry.field
    def line_page(self, first: int | None = None) -> LinePage:
        return LinePage(items=[], total=0)


@strawberry.type
class Query:
    @strawberry.field
    def orders(self, first: int | None = None) -> list[Order]:
        return []

    @strawberry.field
    def order(self) -> Order | None:
        return None


SCHEMA = graphql_schema(strawberry.Schema(Query))
SETTINGS = Settings(default_page_size=50, max_page_size=200, max_query_cost=10**9)


def cost_of(query: str, **settings: Any) -> int:
    """The cost reported with a limit of 0 (so every query reports its cost)."""
    rule = query_cost_rule(SETTINGS.model_copy(update={"max_query_cost": 0, **settings}))
    errors = validate(SCHEMA, parse(query), [rule])
    assert len(errors) == 1, errors
    message = errors[0].message
    assert message.startswith("Query cost ") and "over the limit of 0" in message
    return int(message.split()[2])


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ order { number } }", 2),
        ("{ orders(first: 10) { number } }", 1 + 10),
        ("{ orders { number } }", 1 + 50),  # no page size: the default
        ("{ orders(first: 1000) { number } }", 1 + 200),  # over the cap counts as the cap
        ("query ($n: Int) { orders(first: $n) { number } }", 1 + 200),  # unknown: the cap
        ("{ orders(first: 10) { number lines(first: 5) { quantity sku } } }", 1 + 10 * (2 + 5 * 2)),
        ("{ order { lines(last: 3) { sku } } }", 1 + 1 + 3),
        ("{ a: order { number } b: order { number } }", 4),
        ("{ __typename order { __typename number } }", 2),
        (
            "{ orders(first: 2) { ...F } } fragment F on Order { number lines(first: 4) { sku } }",
            1 + 2 * (2 + 4),
        ),
        ("{ orders(first: 2) { ... on Order { number } } }", 1 + 2),
        # a list without `first`: its declared bound, or the largest page when it has none
        ("{ order { notes { sku } } }", 1 + 1 + 3),
        ("{ order { undeclared { sku } } }", 1 + 1 + 200),
        ("{ order { tags } }", 2),
        # a per_list field costs once per list read, not once per row of its page
        ("{ order { linePage(first: 100) { total } } }", 1 + 1 + 1),
        ("{ order { linePage(first: 100) { total items { sku } } } }", 1 + 1 + 1 + 100 * 2),
        ("{ orders(first: 3) { linePage(first: 100) { total } } }", 1 + 3 + 3),
        (
            "{ orders(first: 3) { ... on Order { linePage { ...T } } } } fragment T on LinePage { total }",
            1 + 3 + 3,
        ),
    ],
)
def test_cost(query, cost):
    assert cost_of(query) == cost


def test_within_the_limit_is_no_error():
    rule = query_cost_rule(SETTINGS.model_copy(update={"max_query_cost": 11}))
    assert validate(SCHEMA, parse("{ orders(first: 10) { number } }"), [rule]) == []
    [error] = validate(SCHEMA, parse("{ orders(first: 11) { number } }"), [rule])
    assert "Query cost 12 is over the limit of 11" in error.message


def test_fragment_cycles_do_not_hang():
    query = "{ order { ...A } } fragment A on Order { number ...B } fragment B on Order { ...A }"
    rule = query_cost_rule(SETTINGS.model_copy(update={"max_query_cost": 0}))
    errors = validate(SCHEMA, parse(query), [rule])
    assert any("Query cost" in e.message for e in errors)
