"""A list's text search matches only on fields the role may read: a match on a hidden
one would tell whether it holds the text. Generated from what each list searches
(`__searches__` of its filter input), one case per searched field: a role that reads
every other field does not find the row by it, a role that reads only it does."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from graphql import get_named_type

from api.core.access import returned_entity
from api.schema import build_schema
from api.strawberry_internals import graphql_schema, python_class
from tenants.access.catalog import catalog
from tests.support.admin import custom_role, grant, holder_of, role_by_key
from tests.support.crm import create_customer, create_deal, ok

SCHEMA = graphql_schema(build_schema())


def _searched() -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """(list, filter type, key, entity, fields) for every list with a search."""
    found = []
    for name, field in SCHEMA.query_type.fields.items():
        arg = field.args.get("filter")
        if arg is None:
            continue
        filter_type = get_named_type(arg.type)
        entity = returned_entity(get_named_type(field.type))
        for key, fields in getattr(python_class(filter_type), "__searches__", {}).items():
            found.append((name, filter_type.name, key, entity, fields))
    return found


SEARCHED = _searched()
CASES = [
    (lst, ftype, key, entity, f, fields)
    for lst, ftype, key, entity, fields in SEARCHED
    for f in fields
]


def _text(field: str, marker: str) -> str:
    return f"{marker}@search.example" if field in ("email", "workEmail") else marker


async def _arrange(gql: Any, tenant: Any, entity: str, field: str, marker: str) -> str:
    """The id of a new row of `entity` whose `field` (only) contains `marker`."""
    admin = tenant.admin_token
    other = uuid4().hex[:8]
    value = {field: _text(field, marker)}
    if entity == "Deal":
        customer = await create_customer(gql, admin)
        return (await create_deal(gql, admin, customer["id"], **value))["id"]
    defaults: dict[str, dict[str, Any]] = {
        "Lead": {"name": "Ada Lovelace"},
        "Customer": {"name": "Initech"},
        "Activity": {"kind": "CALL", "subject": "Call back"},
        "Product": {"sku": f"S{other}", "name": "Widget", "unitPrice": "1", "currency": "EUR"},
        "Employee": {"name": "Grace Hopper"},
    }
    mutations = {
        "Lead": "createLead", "Customer": "createCustomer", "Contact": "createContact",
        "Activity": "logActivity", "Product": "createProduct", "Employee": "createEmployee",
    }  # fmt: skip
    if entity == "Contact":
        customer = await create_customer(gql, admin)
        defaults["Contact"] = {"customer": customer["id"], "name": "Grace"}
    if entity in ("User", "Role"):
        return await _arrange_admin(gql, tenant, entity, value, other)
    key = entity[0].lower() + entity[1:]
    payload = await ok(
        gql, mutations[entity], {**defaults[entity], **value}, admin, f"{key} {{ id }}"
    )
    return payload[key]["id"]  # type: ignore[no-any-return]


async def _arrange_admin(gql: Any, tenant: Any, entity: str, value: dict, other: str) -> str:
    if entity == "Role":
        name, values = "createRole", {"key": f"r{other}", "name": "Some role", **value}
    else:
        role = await role_by_key(gql, tenant.admin_token, "sales_rep")
        name = "createUser"
        values = {"email": f"u{other}@people.example", "name": "Someone", "roleId": role["id"]}
        values.update(value)
    key = name[len("create") :].lower()
    query = f"""mutation($input: {name[0].upper()}{name[1:]}Input!) {{ {name}(input: $input) {{
      {key} {{ id }} userErrors {{ code }} }} }}"""
    payload = (await gql(query, {"input": values}, token=tenant.admin_token)).ok()[name]
    assert payload["userErrors"] == [], payload
    return payload[key]["id"]  # type: ignore[no-any-return]


async def _found(gql: Any, token: str, lst: str, ftype: str, key: str, text: str) -> Any:
    query = f"""query($f: {ftype}) {{ {lst}(filter: $f, first: 200) {{ nodes {{ id }} }} }}"""
    return await gql(query, {"f": {key: text}}, token=token)


def _ids(result: Any, lst: str) -> set[str]:
    return {n["id"] for n in result.ok()[lst]["nodes"]}


@pytest.mark.parametrize(
    ("lst", "ftype", "key", "entity", "field", "fields"),
    CASES,
    ids=[f"{c[0]}.{c[4]}" for c in CASES],
)
async def test_a_search_matches_only_on_readable_fields(
    gql, tenant, lst, ftype, key, entity, field, fields
):
    marker = f"q{uuid4().hex[:12]}"
    row = await _arrange(gql, tenant, entity, field, marker)
    everything = catalog()[entity].fields
    hidden = grant(entity, ["read"], [f for f in everything if f != field])
    _, blind = await holder_of(gql, tenant, await custom_role(gql, tenant, "blind", hidden))
    _, seeing = await holder_of(
        gql, tenant, await custom_role(gql, tenant, "seeing", grant(entity, ["read"], [field]))
    )

    assert row in _ids(await _found(gql, seeing, lst, ftype, key, marker), lst)
    refused = await _found(gql, blind, lst, ftype, key, marker)
    if len(fields) == 1:  # nothing left to search in
        assert refused.codes == ["FORBIDDEN"] and refused.nothing
    else:
        assert row not in _ids(refused, lst)
        other = next(f for f in fields if f != field)
        assert row not in _ids(await _found(gql, blind, lst, ftype, key, _text(other, marker)), lst)


def test_every_list_with_a_search_is_covered():
    assert {lst for lst, *_ in SEARCHED} >= {
        "leads", "customers", "contacts", "deals", "activities", "products", "employees",
        "users", "roles",
    }  # fmt: skip


async def test_a_hidden_contact_title_is_no_oracle(gql, tenant):
    """The reported case, independent of the declarations above."""
    customer = await create_customer(gql, tenant.admin_token)
    contact = {"customer": customer["id"], "name": "Grace", "title": "Chief Secret Officer"}
    await ok(gql, "createContact", contact, tenant.admin_token, "contact { id }")
    profile = [f for f in catalog()["Contact"].fields if f != "title"]
    role = await custom_role(gql, tenant, "no_titles", grant("Contact", ["read"], profile))
    _, token = await holder_of(gql, tenant, role)
    query = '{ contacts(filter: {search: "secret"}) { nodes { id } } }'
    assert (await gql(query, token=token)).ok()["contacts"]["nodes"] == []
