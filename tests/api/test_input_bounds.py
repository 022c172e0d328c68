"""Inputs are bounded before they reach SQL (api/input_checks.py): text by one rule on
the key that holds it, lists in filters, empty ids; each refusal is BAD_USER_INPUT
naming the argument, never INTERNAL, and a refused mutation writes nothing."""

from __future__ import annotations

import pytest

from api.input_checks import (
    MAX_LIST_ITEMS,
    MAX_LONG_TEXT_LENGTH,
    MAX_SEARCH_LENGTH,
    MAX_TEXT_LENGTH,
)
from domain.errors import NotFound
from domain.hr import services as hr
from domain.hr.models import Changes
from tenants.principal import PolicyCache, Principal, load_actor
from tests.support.bounds import aliased_searches

CREATE_LEAD = "mutation ($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }"
SEARCH = "query ($s: String) { leads(filter: {search: $s}) { nodes { id } } }"


def _refused(result, argument, words):
    assert result.status == 200, result.body
    assert result.codes == ["BAD_USER_INPUT"], result.body
    [error] = result.errors
    assert error["extensions"]["argument"] == argument, error
    assert words in error["message"], error


async def test_a_search_longer_than_its_bound_is_refused(gql, tenant):
    result = await gql(SEARCH, {"s": "a" * (MAX_SEARCH_LENGTH + 1)}, token=tenant.admin_token)
    _refused(result, "filter.search", f"at most {MAX_SEARCH_LENGTH} characters")
    assert (await gql(SEARCH, {"s": "a" * MAX_SEARCH_LENGTH}, token=tenant.admin_token)).ok()


async def test_an_employee_name_search_is_a_search(gql, tenant):
    query = "query ($s: String) { employees(filter: {name: $s}) { nodes { id } } }"
    result = await gql(query, {"s": "a" * (MAX_SEARCH_LENGTH + 1)}, token=tenant.admin_token)
    _refused(result, "filter.name", "characters")


async def test_thirty_aliased_searches_of_900_kb_are_refused(gql, tenant):
    result = await gql(aliased_searches(30), {"s": "%" * 900_000}, token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert result.data is None
    assert "Query cost" in result.errors[0]["message"], result.body


async def test_text_longer_than_the_rule_is_refused_and_writes_nothing(gql, tenant):
    name = "n" * (MAX_TEXT_LENGTH + 1)
    result = await gql(CREATE_LEAD, {"input": {"name": name}}, token=tenant.admin_token)
    _refused(result, "input.name", f"at most {MAX_TEXT_LENGTH:,} characters")
    leads = await gql("{ leads { nodes { id } } }", token=tenant.admin_token)
    assert leads.ok()["leads"]["nodes"] == []


async def test_notes_may_be_longer_than_names(gql, tenant):
    too_long = {"name": "Ada", "notes": "x" * (MAX_LONG_TEXT_LENGTH + 1)}
    result = await gql(CREATE_LEAD, {"input": too_long}, token=tenant.admin_token)
    _refused(result, "input.notes", f"at most {MAX_LONG_TEXT_LENGTH:,} characters")
    # past the edge's rule for names, within the one for notes: the service decides
    long_notes = {"name": "Ada", "notes": "x" * (MAX_TEXT_LENGTH + 1)}
    result = await gql(CREATE_LEAD, {"input": long_notes}, token=tenant.admin_token)
    assert "BAD_USER_INPUT" not in result.codes, result.body


async def test_a_filter_list_longer_than_a_page_is_refused(gql, tenant):
    query = "query ($o: [ID!]) { deals(filter: {owner: $o}) { nodes { id } } }"
    some = "VXNlcjo2ZDFjMWYzYy0yZjBhLTRkNDMtOWQ3Yy0wYTFhNGYzYjdkMTE="
    result = await gql(query, {"o": [some] * (MAX_LIST_ITEMS + 1)}, token=tenant.admin_token)
    _refused(result, "filter.owner", f"at most {MAX_LIST_ITEMS} items")
    assert (await gql(query, {"o": [some] * MAX_LIST_ITEMS}, token=tenant.admin_token)).ok()


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{ node(id: "") { id } }', "id"),
        ('{ deals(filter: {stage: [""]}) { nodes { id } } }', "filter.stage[0]"),
        (
            'mutation { terminateEmployee(input: {id: "", version: 1}) { userErrors { code } } }',
            "input.id",
        ),
    ],
)
async def test_an_empty_id_is_bad_input(gql, tenant, query, argument):
    _refused(await gql(query, token=tenant.admin_token), argument, "must not be empty")


async def test_an_update_naming_no_record_is_not_found(tenant):
    # an `assert` in the service before, gone under `python -O`
    async with tenant.session() as conn:
        actor = await load_actor(conn, Principal(tenant.id, tenant.admin_id), PolicyCache())
        assert actor is not None
        with pytest.raises(NotFound):
            await hr.terminate_employee(conn, actor, Changes(values={}, id=None))
