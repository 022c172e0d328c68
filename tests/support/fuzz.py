"""What the fuzz test (tests/api/test_fuzz.py) needs: a tenant full of demo data with a
user for every built-in role, the ids and cursors that resolve in it, and
hypothesis-graphql strategies whose scalars mix those with hostile values."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import graphql
import orjson
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from tests.support.demo import seed_every_area

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"
UUID = "6d1c1f3c-2f0a-4d43-9d7c-0a1a4f3b7d11"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Cursors whose values fit no sort key, or the wrong one: raw JSON text so that values
# orjson would not write (1e400, NaN) are in it too.
ANY_ID = b', "' + UUID.encode() + b'"]'
HOSTILE_CURSORS = [
    _b64(raw)
    for raw in (
        *(
            b"[" + first + ANY_ID
            for first in (
                b"1e400",
                b'"NaN"',
                b'"Infinity"',
                b"NaN",
                b"99999999999999999999",
                b"-2147483649",
                b"true",
                b'{"a": 1}',
                b"[1]",
                b'"9999-12-31T23:59:59"',
                b'"0001-01-01"',
                b'"a\\u0000"',
            )
        ),
        b"[1]",
        b"[]",
        b"{}",
        b"null",
        b"[null, null]",
        b'["a", "b"]',
        b'["x", "a\\u0000"]',
        b'["", ""]',
        b"[1, 2, 3]",
    )
] + ["", "!!!", "=", "\x00", "W1", "bm9wZQ"]

HOSTILE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 5_000,
    "' OR 1=1 --",
    "%_\\",
    "😀",
    "\u202e",
    "EUR",
    "https://example.com/hook",
    "a@b.example",
]

HOSTILE_IDS = [
    "",
    "\x00",
    "x",
    "null",
    UUID,
    _b64(b"Deal:not-a-uuid"),
    _b64(b"Nope:" + UUID.encode()),
    _b64(b"Deal:" + UUID.encode()),
    _b64(b"Deal:" + UUID.encode() + b"\x00"),
    _b64(b"\xff\xfe"),
]

HOSTILE_DATES = [
    "9999-12-31",
    "0001-01-01",
    "9999-12-30",
    "0001-01-02",
    "2026-02-30",
    "2026-13-01",
    "",
    "x",
    "2020-01-01T00:00:00",
    "10000-01-01",
    "2026-01-15",
]

HOSTILE_DATETIMES = [
    "9999-12-31T23:59:59.999999",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00",
    "2026-01-15T10:00:00",
    "2026-01-15T10:00:00+05:30",
    "2026-01-15",
    "junk",
    "",
]

HOSTILE_DECIMALS = [
    "1e309",
    "-1e309",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1e20",
    "99999999999999.9999",
    "100000000000000",
    "-100000000000000",
    "1e-400",
    "0.00001",
    "-1",
    "0",
    "101",
    "100",
    "",
    "abc",
    "1_000",
    " 1 ",
]


def strings(values: list[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.sampled_from(values).map(nodes.String)


def custom_scalars(ids: list[str], cursors: list[str]) -> dict[str, st.SearchStrategy[Any]]:
    """Strategies for every scalar of the schema: the hostile values, the ids and
    cursors that resolve in the fuzzed tenant, and ordinary generated values."""
    text = st.text(max_size=20).map(nodes.String)
    return {
        "String": st.one_of(strings(HOSTILE_STRINGS), strings(cursors + HOSTILE_CURSORS), text),
        "ID": st.one_of(strings(ids), strings(HOSTILE_IDS), text),
        "Int": st.one_of(
            st.sampled_from([0, 1, -1, 2, 50, 200, 201, 2**31 - 1, -(2**31)]).map(nodes.Int),
            st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
        ),
        "Date": st.one_of(strings(HOSTILE_DATES), st.dates().map(nodes.String)),
        "DateTime": st.one_of(strings(HOSTILE_DATETIMES), st.datetimes().map(_iso)),
        "Decimal": st.one_of(
            strings(HOSTILE_DECIMALS),
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(nodes.String),
            st.integers().map(nodes.Int),
        ),
    }


def _iso(value: Any) -> graphql.ValueNode:
    return nodes.String(value.isoformat())


def operations(ids: list[str], cursors: list[str]) -> st.SearchStrategy[str]:
    """Documents of one root field each, query or mutation, every root field as likely
    as any other (over the whole schema, hypothesis-graphql favours `node` and big
    selections, which also cost more to generate)."""
    schema = graphql.build_schema(SDL.read_text())
    assert schema.query_type is not None and schema.mutation_type is not None
    scalars = custom_scalars(ids, cursors)
    roots = [*schema.query_type.fields, *schema.mutation_type.fields]
    return st.sampled_from(roots).flatmap(
        lambda root: from_schema(schema, fields=[root], custom_scalars=scalars, allow_x00=True)
    )


async def demo_tenant(make_tenant: Any) -> dict[str, str]:
    """A new tenant with every area's demo data: a token per built-in role."""
    tenant = await make_tenant("Fuzzed")
    users = await seed_every_area(tenant)
    return {role: tenant.token(user) for role, user in users.items()}


async def ids_and_cursors(gql: Any, token: str) -> tuple[list[str], list[str]]:
    """A few ids and cursors of every list, in every order it offers."""
    schema = graphql.build_schema(SDL.read_text())
    assert schema.query_type is not None
    ids: set[str] = set()
    cursors: set[str] = set()
    for name, field in schema.query_type.fields.items():
        connection = graphql.get_named_type(field.type)
        # users' ids stay out: a generated deactivateUser would end the roles' tokens
        if name == "users" or "edges" not in getattr(connection, "fields", {}):
            continue
        if any(graphql.is_required_argument(a) for a in field.args.values()):
            continue
        node = graphql.get_named_type(connection.fields["edges"].type).fields["node"].type
        select = "id" if "id" in graphql.get_named_type(node).fields else "__typename"
        orders = [""]
        if "orderBy" in field.args:
            order_type = graphql.get_named_type(field.args["orderBy"].type)
            enum = graphql.get_named_type(order_type.fields["field"].type)
            orders += [f", orderBy: {{field: {value}}}" for value in enum.values]
        for order in orders:
            result = await gql(
                f"{{ {name}(first: 3{order}) {{ edges {{ cursor node {{ {select} }} }} }} }}",
                token=token,
            )
            for edge in ((result.data or {}).get(name) or {}).get("edges") or []:
                cursors.add(edge["cursor"])
                if edge["node"].get("id"):
                    ids.add(edge["node"]["id"])
    return sorted(ids), sorted(cursors)


def shown(value: Any) -> str:
    return orjson.dumps(value).decode()[:2000]
