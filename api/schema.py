"""The one schema: every area's queries and mutations merged, guarded by api.core.access."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

import api.admin.mutations
import api.admin.queries
import api.admin.types
import api.billing.mutations
import api.billing.queries
import api.billing.types
import api.crm.mutations
import api.crm.queries
import api.hr.mutations
import api.hr.queries
import api.hr.types
import api.inventory.mutations
import api.inventory.queries
import api.inventory.types
import api.reports.queries
import api.sales.mutations
import api.sales.queries
import api.viewer.queries
import api.webhooks.mutations
import api.webhooks.queries
import api.webhooks.types
from api import node
from api.compiled.executor import CompiledReads
from api.core.access import AccessCache, install_guards
from api.cost import query_cost_rule
from api.extensions import CachedDocuments, Documents, TenantTransaction
from api.input_checks import install_input_checks
from api.mutation_ids import install_client_mutation_ids
from api.persisted import PersistedOperations, PersistedQueries
from api.settings import Settings
from api.strawberry_internals import decimal_scalar, graphql_schema
from api.subscriptions.fields import Subscription
from api.subscriptions.socket import LiveResults
from domain.money import decimal_string

# Every area's `api/<area>/queries.py: Query`, `mutations.py: Mutation` and `types.py:
# NODE_TYPES` (types reachable only through node(id:) or fragments), in area order
# (tenants.access.areas): the order of the SDL's fields.
QUERIES: tuple[type, ...] = (
    api.viewer.queries.Query,
    node.Query,
    api.admin.queries.Query,
    api.hr.queries.Query,
    api.crm.queries.Query,
    api.inventory.queries.Query,
    api.sales.queries.Query,
    api.billing.queries.Query,
    api.reports.queries.Query,
    api.webhooks.queries.Query,
)
MUTATIONS: tuple[type, ...] = (
    api.admin.mutations.Mutation,
    api.hr.mutations.Mutation,
    api.crm.mutations.Mutation,
    api.inventory.mutations.Mutation,
    api.sales.mutations.Mutation,
    api.billing.mutations.Mutation,
    api.webhooks.mutations.Mutation,
)
NODE_TYPES: tuple[type, ...] = (
    *api.admin.types.NODE_TYPES,
    *api.hr.types.NODE_TYPES,
    *api.inventory.types.NODE_TYPES,
    *api.billing.types.NODE_TYPES,
    *api.webhooks.types.NODE_TYPES,
)


class AtriumSchema(strawberry.Schema):
    # parsed and validated documents by query text (api.extensions), set by build_schema
    documents: Documents

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
DECIMAL = decimal_scalar(decimal_string)


def build_schema(settings: Settings | None = None) -> AtriumSchema:
    settings = settings or Settings()
    # The depth and alias limiters make a new rule class per instance: build the rules
    # once (a document's verdict is cached with them, api.extensions.Documents).
    rules = (
        QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules
        + MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules
        + [query_cost_rule(settings)]
        + ([] if settings.introspection else [NoSchemaIntrospectionCustomRule])
    )
    # Factories: strawberry builds fresh extensions per request (the documents they
    # cache live as long as the schema).
    documents = Documents(max_tokens=settings.max_tokens, rules=rules)
    persisted = PersistedOperations(documents, settings.persisted_only)
    extensions: list[Any] = [
        lambda: PersistedQueries(persisted),  # first: it may fill in the query text
        lambda: CachedDocuments(documents),
        TenantTransaction,
        LiveResults,
    ]
    schema = AtriumSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions,
        scalar_overrides={Decimal: DECIMAL},
        config=StrawberryConfig(disable_field_suggestions=not settings.introspection),
        execution_context_class=CompiledReads,
    )
    schema.documents = documents
    install_client_mutation_ids(graphql_schema(schema))
    install_guards(graphql_schema(schema))
    # outermost: arguments are checked as the client sent them, before the guards hand
    # resolvers anything derived from them (a search narrowed to the readable fields)
    install_input_checks(graphql_schema(schema))
    return schema


def access_cache(schema: AtriumSchema) -> AccessCache:
    return AccessCache(graphql_schema(schema))


def sdl() -> str:
    return build_schema(Settings(env="development")).as_str() + "\n"
