"""Every global id the API hands out resolves through node(id:).

A fresh tenant gets the whole demo (every area's `domain/<area>/demo.py`), a webhook
with a delivery and an API client. The test then walks the schema: every root field,
every nested object and connection a few levels down, collecting each object's `id`
with its `__typename`, and asks node() for each as the tenant admin (who reads them
all). It also checks that the walk met every type implementing Node, so a new type
without a node resolver, or one the walk cannot reach, fails here.
"""

from __future__ import annotations

import base64
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_required_argument,
)

from api.schema import build_schema
from api.strawberry_internals import graphql_schema
from tests.support.api_clients import partner
from tests.support.demo import seed_every_area
from tests.support.webhooks import create_webhook

DEPTH = 3
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
OPEN_DEAL = "{ deals(first: 1, filter: {status: [OPEN]}) { nodes { id } } }"
WIN = "mutation($input: WinDealInput!) { winDeal(input: $input) { userErrors { code } } }"


def _object_fields(gtype: GraphQLObjectType) -> str:
    """`__typename id` where there is an id, and every relation without required
    arguments, DEPTH levels down (the first 3 of nested connections, 50 at the root)."""

    def walk(t: GraphQLObjectType, depth: int) -> str:
        parts = ["__typename"] + (["id"] if "id" in t.fields else [])
        if depth == 0:
            return " ".join(parts)
        for name, field in t.fields.items():
            inner = get_named_type(field.type)
            if not isinstance(inner, GraphQLObjectType) or name == "pageInfo":
                continue
            if any(is_required_argument(a) for a in field.args.values()):
                continue
            args = "(first: 3)" if "first" in field.args else ""
            parts.append(f"{name}{args} {{ {walk(inner, depth - 1)} }}")
        return " ".join(parts)

    return walk(gtype, DEPTH)


def _root_documents(schema: GraphQLSchema, ids: dict[str, set[str]]) -> list[str]:
    """One document per root field; a required `<type>Id: ID!` argument is filled with
    each id of that type met so far."""
    documents = []
    for name, field in schema.query_type.fields.items():
        inner = get_named_type(field.type)
        if name == "node" or not isinstance(inner, GraphQLObjectType):
            continue
        required = [n for n, a in field.args.items() if is_required_argument(a)]
        selection = _object_fields(inner)
        first = "first: 50" if "first" in field.args else ""
        if not required:
            documents.append(f"{{ {name}{f'({first})' if first else ''} {{ {selection} }} }}")
            continue
        if len(required) != 1 or not required[0].endswith("Id"):
            continue
        arg = required[0]
        for given in sorted(ids.get(arg[:-2][0].upper() + arg[1:-2], ())):
            args = ", ".join(filter(None, [f'{arg}: "{given}"', first]))
            documents.append(f"{{ {name}({args}) {{ {selection} }} }}")
    return documents


def _collect(value: Any, into: dict[str, set[str]]) -> None:
    if isinstance(value, dict):
        if "id" in value and value.get("id") and "__typename" in value:
            type_name = base64.urlsafe_b64decode(value["id"] + "==").decode().split(":")[0]
            into.setdefault(type_name, set()).add(value["id"])
        for inner in value.values():
            _collect(inner, into)
    elif isinstance(value, list):
        for inner in value:
            _collect(inner, into)


async def _everything(tenant: Any, gql: Any) -> None:
    await seed_every_area(tenant)
    token = tenant.admin_token
    await create_webhook(gql, token, ["DEAL_WON"])
    deal = (await gql(OPEN_DEAL, token=token)).ok()["deals"]["nodes"][0]["id"]
    assert (await gql(WIN, {"input": {"id": deal}}, token=token)).ok()["winDeal"][
        "userErrors"
    ] == []
    await partner(gql, tenant)


async def test_every_id_handed_out_resolves_through_node(make_client, gql, tenant):
    await _everything(tenant, gql)
    client = await make_client(
        max_query_depth=20, max_query_cost=10**9, max_tokens=10**6, max_aliases=10**3
    )
    schema = graphql_schema(build_schema())
    ids: dict[str, set[str]] = {}
    for _ in range(2):  # the second pass follows the `<type>Id` arguments of the first
        for document in _root_documents(schema, ids):
            response = await client.post(
                "/graphql",
                json={"query": document},
                headers={"Authorization": f"Bearer {tenant.admin_token}"},
            )
            _collect(response.json().get("data"), ids)

    node_types = {
        t.name
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    }
    assert node_types <= set(ids), f"never met: {node_types - set(ids)}"
    unresolved = []
    for type_name, given in sorted(ids.items()):
        for global_id in sorted(given)[:3]:
            result = await gql(NODE, {"id": global_id}, token=tenant.admin_token)
            found = (result.data or {}).get("node")
            if found != {"__typename": type_name, "id": global_id}:
                unresolved.append((type_name, result.codes))
    assert unresolved == []
