"""The cost limit on the real schema: lists without `first` count at their declared
bound and text searches at what they scan, so a nest of lists or a crowd of aliased
searches is refused while every bench and suite document still passes."""

from __future__ import annotations

import pytest
from graphql import parse, specified_rules, validate

from api.cost import query_cost_rule
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import graphql_schema
from bench.workloads import WORKLOADS
from tests.support.bounds import aliased_searches
from tests.support.corpus import suite_queries

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


@pytest.mark.parametrize("aliases", [10, 30])
def test_aliased_searches_are_refused(aliases):
    [message] = cost_errors(aliased_searches(aliases))
    assert "over the limit of 50000" in message and "text searches" in message


def test_a_search_is_not_free():
    plain = "{ leads(first: 10) { nodes { id } } }"
    searched = '{ leads(first: 10, filter: {search: "ada"}) { nodes { id } } }'
    strict = query_cost_rule(Settings(max_query_cost=5_000))
    assert validate(SCHEMA, parse(plain), [strict]) == []
    assert validate(SCHEMA, parse(searched), [strict]) != []


def test_every_suite_document_within_the_old_bound_is_accepted():
    """Filters now cost: no document the suite sends that passed before is refused."""
    old = query_cost_rule(Settings(search_cost=0, filter_condition_cost=0))
    for query in suite_queries():
        document = parse(query.document)
        if validate(SCHEMA, document, [old]) == []:
            assert validate(SCHEMA, document, [RULE]) == [], query.where


def test_a_total_count_costs_once_per_list_not_per_row():
    """totalCount is one statement for the whole list: the page size does not multiply it."""
    within = [*specified_rules, query_cost_rule(Settings(max_query_cost=2))]
    assert validate(SCHEMA, parse("{ deals(first: 200) { totalCount } }"), within) == []
    per_row = "{ deals(first: 200) { totalCount nodes { id } } }"
    assert validate(SCHEMA, parse(per_row), within) != []
