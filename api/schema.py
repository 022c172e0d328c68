"""The one schema: every area's queries and mutations merged, guarded by api.access."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api import node
from api.access import AccessCache, install_guards
from api.extensions import TenantTransaction
from api.settings import Settings
from api.viewer import queries as viewer_queries

# Each business area contributes a Query and/or Mutation class; add new areas here.
QUERIES: tuple[type, ...] = (viewer_queries.Query, node.Query)
MUTATIONS: tuple[type, ...] = ()
# Types reachable only through node(id:) or fragments must be listed explicitly.
EXTRA_TYPES: tuple[type, ...] = ()


class AtriumSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors are logged where they are shaped (api.errors.shape_error): unexpected
        ones with their traceback, expected ones not at all."""


def build_schema(settings: Settings | None = None) -> AtriumSchema:
    settings = settings or Settings()
    # Factories: strawberry builds fresh extensions per request (the parse and
    # validation caches themselves live for the process).
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        TenantTransaction,
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    schema = AtriumSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS) if MUTATIONS else None,
        types=EXTRA_TYPES,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not settings.introspection),
    )
    install_guards(schema._schema)
    return schema


def access_cache(schema: AtriumSchema) -> AccessCache:
    return AccessCache(schema._schema)


def sdl() -> str:
    return build_schema(Settings(env="development")).as_str() + "\n"
