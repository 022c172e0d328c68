"""One test per reach into strawberry beyond its documented API (api/strawberry_internals.py):
after a strawberry upgrade, a failure here names the function to adapt."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlencode

import pytest
import strawberry
from cross_web import HTTPException
from graphql import GraphQLObjectType, GraphQLSchema, specified_rules
from starlette.requests import Request
from strawberry.asgi import GraphQL
from strawberry.extensions import SchemaExtension

from api import strawberry_internals as internals

T = TypeVar("T")


@strawberry.type
class Item:
    __entity__ = "Item"
    name: str

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Page(Generic[T]):
    nodes: list[T]


@strawberry.input
class ItemInput:
    name: str


@strawberry.type
class Query:
    @strawberry.field(metadata={"access": ("Item", "read")})
    def items(self) -> Page[Item]:
        return Page(nodes=[Item(name="a")])

    @strawberry.field
    def price(self) -> Decimal:
        return Decimal("1.5")

    @strawberry.field
    def echo(self, item: ItemInput) -> str:
        return item.name


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self) -> bool:
        return True


SCHEMA = strawberry.Schema(Query, mutation=Mutation)
GRAPHQL = internals.graphql_schema(SCHEMA)


def test_graphql_schema_is_the_built_graphql_core_schema():
    assert isinstance(GRAPHQL, GraphQLSchema)
    assert GRAPHQL.query_type is not None and "items" in GRAPHQL.query_type.fields


def test_python_class_of_object_and_input_types():
    assert internals.python_class(GRAPHQL.get_type("Item")) is Item
    assert internals.python_class(GRAPHQL.get_type("ItemInput")) is ItemInput
    assert internals.python_class(GRAPHQL.get_type("String")) is None


def test_generic_arguments_name_the_item_type_of_a_generic():
    page = GRAPHQL.get_type("ItemPage")
    assert isinstance(page, GraphQLObjectType)
    assert internals.generic_arguments(page) == (Item,)
    assert internals.generic_arguments(GRAPHQL.get_type("Item")) == ()


def test_field_metadata_is_what_the_field_declared():
    assert GRAPHQL.query_type is not None
    fields = GRAPHQL.query_type.fields
    assert internals.field_metadata(fields["items"]) == {"access": ("Item", "read")}
    assert internals.field_metadata(fields["price"]) == {}


def test_plain_field_names_leave_out_resolved_fields():
    assert internals.plain_field_names(Item) == ["name"]


def test_has_resolver_tells_a_method_from_a_plain_attribute():
    item = GRAPHQL.type_map["Item"]
    assert isinstance(item, GraphQLObjectType)
    assert internals.has_resolver(item.fields["shout"])
    assert not internals.has_resolver(item.fields["name"])


def test_decimal_scalar_keeps_the_name_and_changes_the_format():
    schema = strawberry.Schema(
        Query, scalar_overrides={Decimal: internals.decimal_scalar(lambda d: f"{d:.4f}")}
    )
    assert "scalar Decimal" in schema.as_str()
    assert schema.execute_sync("{ price }").data == {"price": "1.5000"}


@pytest.mark.parametrize(
    ("document", "operation_name", "given"),
    [("query A { price }", "A", True), ("query A { price }", None, False)],
)
async def test_operation_name_given_tells_a_sent_name_from_a_fallback(
    document, operation_name, given
):
    seen: list[bool] = []

    class Record(SchemaExtension):
        def on_execute(self):
            seen.append(internals.operation_name_given(self.execution_context))
            yield

    schema = strawberry.Schema(Query, extensions=[Record])
    result = await schema.execute(document, operation_name=operation_name)
    assert result.errors is None
    assert seen == [given]


@pytest.mark.parametrize(
    ("params", "over_get"), [({"query": "mutation { touch }"}, True), ({"variables": "{}"}, False)]
)
async def test_mutation_over_get_is_told_from_other_bad_requests(params, over_get):
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/graphql",
        "query_string": urlencode(params).encode(),
        "headers": [(b"accept", b"application/json")],
    }
    with pytest.raises(HTTPException) as raised:
        await GraphQL(SCHEMA).run(Request(scope))
    assert internals.mutation_over_get(raised.value) is over_get


PRIVATE_REACHES = (
    "._schema",
    "_provided_operation_name",
    "strawberry-definition",
    "type_var_map",
    "__strawberry_definition__",
    # strawberry's own modules; its documented `strawberry.schema.config` is not one
    "strawberry.schema.types",
    "strawberry.schema.exceptions",
    "strawberry.schema.schema_converter",
)


def test_nothing_else_reaches_into_strawberry():
    root = Path(__file__).resolve().parents[2]
    here = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(root)}: {reach}"
        for folder in ("api", "domain", "tenants", "tests", "bench")
        for path in (root / folder).rglob("*.py")
        if path.resolve() not in {here, root / "api/strawberry_internals.py"}
        for reach in PRIVATE_REACHES
        if reach in path.read_text()
    ]
    assert offenders == []


@pytest.mark.parametrize(("document", "invalid"), [("{ price }", False), ("{ nope }", True)])
def test_document_errors_are_what_strawberry_validation_finds(document, invalid):
    found: list[list[str]] = []

    class Record(SchemaExtension):
        def on_validate(self):  # type: ignore[no-untyped-def]
            yield
            ec = self.execution_context
            schema = internals.graphql_schema(ec.schema)
            errors = internals.document_errors(schema, ec.graphql_document, specified_rules)
            found.append([e.message for e in errors])

    schema = strawberry.Schema(Query, extensions=[Record])
    result = schema.execute_sync(document)
    assert found == [[e.message for e in result.errors or []]]
    assert bool(found[0]) is invalid
