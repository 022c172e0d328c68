"""The one schema: every area's queries and mutations merged, guarded by api.core.access."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.types.base_scalars import DecimalDefinition
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api import node
from api.core.access import AccessCache, install_guards
from api.cost import query_cost_rule
from api.extensions import TenantTransaction
from api.input_checks import install_input_checks
from api.mutation_ids import install_client_mutation_ids
from api.settings import Settings
from api.viewer import queries as viewer_queries
from domain.money import decimal_string
from tenants.access.areas import area_modules


def _collect() -> tuple[tuple[type, ...], tuple[type, ...], tuple[type, ...]]:
    """Every area's `api/<area>/queries.py: Query`, `mutations.py: Mutation`, and
    `types.py: NODE_TYPES` (types reachable only through node(id:) or fragments)."""
    queries = [viewer_queries.Query, node.Query]
    queries += [m.Query for m in area_modules("api", "queries")]
    mutations = [m.Mutation for m in area_modules("api", "mutations")]
    types = [t for m in area_modules("api", "types") for t in getattr(m, "NODE_TYPES", ())]
    return tuple(queries), tuple(mutations), tuple(types)


class AtriumSchema(strawberry.Schema):
    @staticmethod
    def remove_field_suggestion(error: GraphQLError) -> None:
        """With suggestions off (production), strawberry strips them from unknown-field
        errors only; unknown arguments, types and enum values would still name parts of
        the schema."""
        if "Did you mean" in error.message:
            error.message = error.message.split("Did you mean")[0].strip()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors are logged where they are shaped (api.errors.shape_error): unexpected
        ones with their traceback, expected ones not at all."""


# strawberry prints a Decimal with str(): "0" from Python arithmetic, "120.0000" from a
# numeric(18,4) column. One format for every decimal the API gives out.
DECIMAL = dataclasses.replace(DecimalDefinition, serialize=decimal_string)


def build_schema(settings: Settings | None = None) -> AtriumSchema:
    settings = settings or Settings()
    # The validation cache is keyed by the rule classes, and the depth and alias
    # limiters make a new class per instance: build the rules once.
    rules = (
        QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules
        + MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules
        + [query_cost_rule(settings)]
    )
    # Factories: strawberry builds fresh extensions per request (the parse and
    # validation caches themselves live for the process).
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=1024),
        TenantTransaction,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    queries, mutations, types = _collect()
    schema = AtriumSchema(
        query=merge_types("Query", queries),
        mutation=merge_types("Mutation", mutations) if mutations else None,
        types=types,
        extensions=extensions,
        scalar_overrides={Decimal: DECIMAL},
        config=StrawberryConfig(disable_field_suggestions=not settings.introspection),
    )
    install_client_mutation_ids(schema._schema)
    install_guards(schema._schema)
    # outermost: arguments are checked as the client sent them, before the guards hand
    # resolvers anything derived from them (a search narrowed to the readable fields)
    install_input_checks(schema._schema)
    return schema


def access_cache(schema: AtriumSchema) -> AccessCache:
    return AccessCache(schema._schema)


def sdl() -> str:
    return build_schema(Settings(env="development")).as_str() + "\n"
