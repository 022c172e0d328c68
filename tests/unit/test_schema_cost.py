"""The cost limit on the real schema: lists without `first` count at their declared
bound, so a nest of them is refused while every bench document still passes."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from api.cost import query_cost_rule
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import graphql_schema
from bench.workloads import WORKLOADS

SCHEMA = graphql_schema(build_schema())
RULE = query_cost_rule(Settings())

FOUR_DEEP = """{ deals(first: 200) { edges { node { customer { deals { customer { deals {
  customer { deals { customer { deals { id title } } } } } } } } } } } }"""


def cost_errors(query: str) -> list[str]:
    return [e.message for e in validate(SCHEMA, parse(query), [RULE])]


def test_nested_lists_without_first_are_refused():
    [message] = cost_errors(FOUR_DEEP)
    assert message.startswith("Query cost ") and "over the limit of 50000" in message


@pytest.mark.parametrize("query", sorted({w.query for w in WORKLOADS if w.target == "atrium"}))
def test_every_bench_document_is_accepted(query):
    assert cost_errors(query) == []


def test_bench_follow_up_documents_are_accepted():
    for workload in WORKLOADS:
        if workload.then:
            assert cost_errors(workload.then) == []
