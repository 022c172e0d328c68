"""Relay's `clientMutationId`: every mutation's input takes it and its payload echoes it,
whether the mutation succeeded, failed with userErrors, or was not sent one."""

from __future__ import annotations

from graphql import get_nullable_type

from api.schema import build_schema
from api.strawberry_internals import graphql_schema

LEAD = """mutation($input: CreateLeadInput!) {
  createLead(input: $input) { clientMutationId lead { name } userErrors { code } } }"""
DEPARTMENT = """mutation($input: CreateDepartmentInput!) {
  createDepartment(input: $input) { clientMutationId department { name } } }"""
ORDER_STEP = """mutation($input: OrderStepInput!) {
  confirmOrder(input: $input) { clientMutationId userErrors { code } } }"""


def test_every_mutation_takes_and_echoes_it():
    schema = graphql_schema(build_schema())
    for name, field in schema.mutation_type.fields.items():
        inputs = get_nullable_type(field.args["input"].type)
        payload = get_nullable_type(field.type)
        assert "clientMutationId" in inputs.fields, name
        assert "clientMutationId" in payload.fields, name


async def test_the_payload_answers_what_the_input_said(gql, tenant):
    token = tenant.admin_token
    lead = await gql(LEAD, {"input": {"name": "Ada", "clientMutationId": "lead-1"}}, token=token)
    assert lead.ok()["createLead"] == {
        "clientMutationId": "lead-1",
        "lead": {"name": "Ada"},
        "userErrors": [],
    }
    without = await gql(LEAD, {"input": {"name": "Bob"}}, token=token)
    assert without.ok()["createLead"]["clientMutationId"] is None
    department = await gql(
        DEPARTMENT, {"input": {"name": "Ops", "clientMutationId": "d"}}, token=token
    )
    assert department.ok()["createDepartment"]["clientMutationId"] == "d"
    # a business failure still answers it (the input's own declaration, sales area)
    missing = await gql(
        ORDER_STEP,
        {"input": {"id": "U2FsZXNPcmRlcjow", "clientMutationId": "step"}},
        token=token,
    )
    payload = missing.body["data"]["confirmOrder"]
    assert payload["clientMutationId"] == "step" and payload["userErrors"], missing.body
