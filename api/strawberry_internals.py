"""Every reach into strawberry beyond its documented API, each behind one function.

Atrium installs its access guards and clientMutationId on the built graphql-core
schema and reads the strawberry declarations (`__entity__`, field metadata, the item
type of a generic connection) back from it; strawberry documents none of that. When
an upgrade moves one of these, tests/unit/test_strawberry_internals.py fails on the
function that needs changing, and nothing else has to. Nothing outside this module
touches strawberry's private attributes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import strawberry
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLField, GraphQLSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.schema.types.base_scalars import DecimalDefinition
from strawberry.types import ExecutionContext, get_object_definition
from strawberry.types.arguments import convert_arguments
from strawberry.types.scalar import ScalarDefinition

# the key under which strawberry leaves its own definition in a graphql-core type's,
# field's or argument's `extensions`
DEFINITION_KEY = "strawberry-definition"


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built (strawberry exposes no accessor)."""
    return schema._schema


def operation_name_given(execution_context: ExecutionContext) -> bool:
    """Whether the client named the operation to run: strawberry's `operation_name`
    falls back to the document's first operation, the name sent is kept apart."""
    return execution_context._provided_operation_name is not None


def document_errors(
    schema: GraphQLSchema, document: DocumentNode, rules: Sequence[type[ASTValidationRule]]
) -> list[GraphQLError]:
    """strawberry's validation of a document under `rules` (to which it adds its own,
    e.g. for `Maybe` and `@oneOf`)."""
    from strawberry.schema.schema import validate_document

    return validate_document(schema, document, tuple(rules))


def _definition(element: Any) -> Any:
    return (getattr(element, "extensions", None) or {}).get(DEFINITION_KEY)


def python_class(gtype: Any) -> type | None:
    """The class a graphql-core object, interface or input type was declared as."""
    return getattr(_definition(gtype), "origin", None)


def generic_arguments(gtype: Any) -> tuple[Any, ...]:
    """The type arguments a generic type was built with (`Connection[Deal]`: Deal)."""
    return tuple((getattr(_definition(gtype), "type_var_map", None) or {}).values())


def field_metadata(field: GraphQLField) -> Mapping[str, Any]:
    """`strawberry.field(metadata=...)` of a graphql-core field."""
    return getattr(_definition(field), "metadata", None) or {}


def plain_field_names(cls: type) -> list[str]:
    """The Python names of a strawberry type's fields that have no resolver."""
    fields = get_object_definition(cls, strict=True).fields
    return [f.python_name for f in fields if f.base_resolver is None]


def has_resolver(field: GraphQLField) -> bool:
    """Whether a graphql-core field was declared with a resolver (a method), not as a
    plain attribute of its strawberry type."""
    return getattr(_definition(field), "base_resolver", None) is not None


def python_arguments(schema: GraphQLSchema, field: GraphQLField, args: dict[str, Any]) -> Any:
    """A field's arguments as graphql-core coerced them, made into what its resolver is
    given: strawberry input instances and enums, keyed by Python name."""
    strawberry_schema = schema._strawberry_schema  # type: ignore[attr-defined]
    return convert_arguments(
        args,
        _definition(field).arguments,
        scalar_registry=strawberry_schema.schema_converter.scalar_registry,
        config=strawberry_schema.config,
    )


def decimal_scalar(serialize: Callable[[Decimal], str]) -> ScalarDefinition:
    """strawberry's built-in Decimal scalar with another serializer (for
    `scalar_overrides`), so the SDL keeps its `Decimal` and its description."""
    return dataclasses.replace(DecimalDefinition, serialize=serialize)


def mutation_over_get(exc: BaseException) -> bool:
    """Whether strawberry's HTTP view refused a request because it sent a mutation
    with GET (it raises a plain 400 HTTPException from this cause)."""
    return isinstance(exc.__cause__, InvalidOperationTypeError)
