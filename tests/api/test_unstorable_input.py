"""Arguments the database could not take are BAD_USER_INPUT naming the argument, in
literals and variables alike (api/input_checks.py), never INTERNAL; so are cursors
whose values do not fit the list's sort key (domain/pagination.py)."""

from __future__ import annotations

import pytest

from domain.pagination import encode_cursor

SOME_ID = "6d1c1f3c-2f0a-4d43-9d7c-0a1a4f3b7d11"


def _refused(result, argument):
    assert result.status == 200, result.body
    assert result.codes == ["BAD_USER_INPUT"], result.body
    [error] = result.errors
    assert error["extensions"]["argument"] == argument, error
    assert f"`{argument}`" in error["message"], error
    return error


async def test_nul_in_a_filter_literal(gql, tenant):
    result = await gql(
        '{ deals(filter: {search: "a\\u0000b"}) { nodes { id } } }', token=tenant.admin_token
    )
    assert "NUL" in _refused(result, "filter.search")["message"]


async def test_nul_in_a_variable(gql, tenant):
    query = "query ($s: String) { customers(filter: {search: $s}) { nodes { id } } }"
    result = await gql(query, {"s": "x\x00"}, token=tenant.admin_token)
    _refused(result, "filter.search")


async def test_nul_in_a_mutation_input_writes_nothing(gql, tenant):
    query = "mutation ($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }"
    result = await gql(query, {"input": {"name": "Ada\x00"}}, token=tenant.admin_token)
    _refused(result, "input.name")
    leads = await gql("{ leads { nodes { id } } }", token=tenant.admin_token)
    assert leads.ok()["leads"]["nodes"] == []


async def test_nul_in_an_id_list(gql, tenant):
    result = await gql(
        '{ deals(filter: {stage: ["x", "\\u0000"]}) { nodes { id } } }', token=tenant.admin_token
    )
    _refused(result, "filter.stage[1]")


@pytest.mark.parametrize(
    ("field", "argument"),
    [
        ("arAgingReport(asOf: $day)", "asOf"),
        ("revenueReport(until: $day)", "until"),
        ("revenueReport(since: $day)", "since"),
        ("orderMarginReport(until: $day)", "until"),
    ],
)
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_report_days_at_the_ends_of_the_calendar(gql, tenant, field, argument, day):
    # asyncpg sends these as ±infinity, which the reports' date arithmetic refuses
    result = await gql(
        f"query ($day: Date) {{ {field} {{ currency }} }}", {"day": day}, token=tenant.admin_token
    )
    assert "between 0001-01-02 and 9999-12-30" in _refused(result, argument)["message"]


@pytest.mark.parametrize("amount", ["1e309", "NaN", "-Infinity", "sNaN", "1e20", "100000000000000"])
async def test_decimals_that_numeric_18_4_cannot_hold(gql, tenant, amount):
    query = "query ($max: Decimal) { deals(filter: {amount: {max: $max}}) { nodes { id } } }"
    result = await gql(query, {"max": amount}, token=tenant.admin_token)
    _refused(result, "filter.amount.max")


async def test_the_largest_storable_amount_is_accepted(gql, tenant):
    query = "query ($max: Decimal) { deals(filter: {amount: {max: $max}}) { nodes { id } } }"
    result = await gql(query, {"max": "99999999999999.9999"}, token=tenant.admin_token)
    assert result.ok()["deals"]["nodes"] == []


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("deals(orderBy: {field: TITLE}", ["a\x00", SOME_ID]),
        ("deals(orderBy: {field: AMOUNT}", ["NaN", SOME_ID]),
        ("deals(orderBy: {field: AMOUNT}", ["Infinity", SOME_ID]),
        ("deals(orderBy: {field: AMOUNT}", ["1e400", SOME_ID]),
        ("employees(orderBy: {field: NAME}", ["x", SOME_ID + "\x00"]),
        ("deals(", ["9999-12-31T23:59:59.999999", SOME_ID]),
    ],
)
async def test_cursors_whose_values_the_database_cannot_take(gql, tenant, field, values):
    query = f"query ($c: String) {{ {field}, after: $c) {{ nodes {{ id }} }} }}"
    result = await gql(query, {"c": encode_cursor(values)}, token=tenant.admin_token)
    assert result.codes == ["BAD_USER_INPUT"], result.body
    assert result.errors[0]["message"] == "Invalid cursor."


async def test_an_empty_id_in_a_mutation_input_is_bad_input(gql, tenant):
    # found by the fuzz test: "" was taken for "no id" and failed an assertion
    query = "mutation ($input: TerminateEmployeeInput!) { terminateEmployee(input: $input) { userErrors { field code } } }"
    result = await gql(query, {"input": {"id": "", "version": 1}}, token=tenant.admin_token)
    _refused(result, "input.id")
