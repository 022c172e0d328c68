"""The tenant transaction around every operation, with the caller's role and the
document's access analysis. (Errors are shaped in api.graphql_app.process_result,
which every path, including failures of this extension, goes through.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Visitor,
    parse,
    specified_rules,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api import idempotency
from api.core.context import Context
from api.errors import AppError, Code
from api.observability.tracing import transaction_span
from api.strawberry_internals import document_errors, graphql_schema, operation_name_given
from api.timeouts import operation_timeouts, timed_out
from domain.outage import statement_cancelled
from tenants.principal import bind_and_load_actor


@dataclass
class _Checked:
    document: DocumentNode
    errors: list[GraphQLError] | None = None  # None: not validated yet


class Documents:
    """Parsed and validated documents by query text (an LRU), for one schema and its
    validation rules (besides graphql-core's and strawberry's own), so a text's
    verdict is fixed.

    Looked up by the text alone: strawberry's ParserCache and ValidationCache key the
    validation by the document, and graphql-core hashes a document by its whole tree,
    so every request paid for hashing its document again. The same document object
    comes back for the same text, which the access analysis (keyed by document
    identity) relies on."""

    def __init__(
        self, max_tokens: int, rules: Sequence[type[ASTValidationRule]], size: int = 1024
    ) -> None:
        self.max_tokens = max_tokens
        self.rules = tuple(rules)
        self._items: LRUCache[str, _Checked] = LRUCache(size)
        self.hits = 0  # counted for /metrics (api/observability)
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def parsed(self, query: str) -> _Checked:
        """The text's entry; a text that does not parse raises (and is not kept)."""
        entry = self._items.get(query)
        if entry is not None:
            self.hits += 1
        else:
            self.misses += 1
            document = parse(query, max_tokens=self.max_tokens)
            _refuse_empty_selections(document)
            entry = self._items[query] = _Checked(document)
        return entry

    def errors(self, entry: _Checked, schema: GraphQLSchema) -> list[GraphQLError]:
        """The entry's validation errors (graphql-core's rules, strawberry's and ours),
        found on first use."""
        if entry.errors is None:
            rules = (*specified_rules, *self.rules)
            entry.errors = document_errors(schema, entry.document, rules)
        return entry.errors


class _EmptySelections(Visitor):
    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        if not node.selections:
            loc = node.loc
            assert loc is not None
            raise GraphQLSyntaxError(loc.source, loc.end - 1, "Expected Name, found '}'.")


def _refuse_empty_selections(document: DocumentNode) -> None:
    """`{}`: graphql-core 3.3 parses an empty selection set, which the GraphQL spec
    does not allow and strawberry's depth limiter fails on; refuse it as the syntax
    error it is (graphql-core 3.2's own message)."""
    visit(document, _EmptySelections())


class CachedDocuments(SchemaExtension):
    """Parse (at most `max_tokens` tokens) and validate (with the extra rules) each
    query text once; after that a request's parse and validation are one lookup."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self._entry: _Checked | None = None

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is None and ec.query:
            self._entry = self.documents.parsed(ec.query)
            ec.graphql_document = self._entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        entry = self._entry
        if entry is not None:
            ec = self.execution_context
            ec.pre_execution_errors = self.documents.errors(entry, graphql_schema(ec.schema))
        yield


def _refuse(code: Code, message: str) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"code": str(code)})]
    )


def _introspection_only(operation: OperationDefinitionNode | None) -> bool:
    if operation is None or operation.operation != OperationType.QUERY:
        return False
    return all(
        isinstance(s, FieldNode) and s.name.value.startswith("__")
        for s in operation.selection_set.selections
    )


def _operation(execution_context: object) -> OperationDefinitionNode | None:
    document = execution_context.graphql_document  # type: ignore[attr-defined]
    name = execution_context.operation_name  # type: ignore[attr-defined]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _ambiguous(execution_context: ExecutionContext) -> bool:
    """Several operations and no name: the GraphQL spec refuses that, while strawberry
    would silently run the first one."""
    if operation_name_given(execution_context):
        return False
    document = execution_context.graphql_document
    operations = (
        0
        if document is None
        else sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
    )
    return operations > 1


def _cancelled(result: object) -> bool:
    """Whether a statement of the operation was cancelled for running too long (the
    fields after it then failed in the aborted transaction)."""
    errors = getattr(result, "errors", None) or ()
    return any(statement_cancelled(error.original_error) for error in errors)


def _may_commit(result: object) -> bool:
    """A mutation commits unless something failed. A FORBIDDEN *read* inside a payload
    (e.g. `createEmployee { employee { salary } }` without salary read) does not undo
    the write; a failed mutation field, a refused write or any unexpected error does."""
    if result is None:
        return False
    for error in getattr(result, "errors", None) or ():
        original = error.original_error
        code = (getattr(original, "extensions", None) or {}).get("code")
        if code != Code.FORBIDDEN or error.path is None or len(error.path) <= 1:
            return False
    return True


OVER_THE_SOCKET = "Subscribe over the websocket: graphql-transport-ws on /graphql."
OVER_HTTP = "Over the websocket only subscriptions run; send queries and mutations over HTTP."


class TenantTransaction(SchemaExtension):
    """One transaction per operation, bound to the caller's tenant.

    Queries run read-only. A mutation commits only when it did not fail (see
    _may_commit), so a FORBIDDEN write or an unexpected failure leaves nothing behind;
    business failures (userErrors) are rolled back by the mutation's own savepoint.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        context: Context = ec.context
        operation = context.operation = _operation(ec)
        if _ambiguous(ec):
            ec.result = _refuse(
                Code.BAD_USER_INPUT,
                "The document has several operations: name the one to run in `operationName`.",
            )
            yield
            return
        subscribing = operation is not None and operation.operation == OperationType.SUBSCRIPTION
        if subscribing != (context.live is not None):
            # a websocket's operations share one context, which subscriptions' events
            # take turns with (api/subscriptions/live.py); HTTP streams no events
            message = OVER_THE_SOCKET if subscribing else OVER_HTTP
            if subscribing:
                raise AppError(Code.BAD_USER_INPUT, message)
            ec.result = _refuse(Code.BAD_USER_INPUT, message)
            yield
            return
        if context.live is not None:
            assert ec.graphql_document is not None and operation is not None
            await context.live.start(ec.graphql_document, operation)
            yield
            return
        if context.principal is None:
            if not _introspection_only(operation):
                ec.result = _refuse(
                    Code.UNAUTHENTICATED, "Authentication required: send a bearer token."
                )
            yield
            return
        readonly = operation is None or operation.operation == OperationType.QUERY
        assert ec.graphql_document is not None  # parsed and validated before execution
        async with operation_transaction(context, ec.graphql_document, operation, readonly) as run:
            if context.actor is None:
                ec.result = _refuse(Code.UNAUTHENTICATED, "Unknown or deactivated user.")
            elif not readonly and context.idempotency is not None:
                ec.result = await idempotency.begin(context, ec)
            yield
            run.result = ec.result
            if not readonly and _may_commit(ec.result) and not idempotency.replaying(context):
                await idempotency.record(context, ec.result)
                await run.transaction.commit()


@dataclass
class OperationRun:
    transaction: Any  # SQLAlchemy's AsyncTransaction (api/ names no SQLAlchemy type here)
    result: object = None  # the operation's result, left here by whoever runs it


@asynccontextmanager
async def operation_transaction(
    context: Context,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    readonly: bool,
) -> AsyncIterator[OperationRun]:
    """One GraphQL operation's transaction: bound to the caller's tenant with its time
    limits and the caller's actor loaded in the same round trip (unlike
    tenants.session.tenant_transaction, which binds a tenant and commits on success).
    The actor and the document's access analysis land in `context` (`context.actor`
    stays None for an unknown or deactivated user). Rolled back on leaving unless
    committed; raises TIMEOUT when the result left in the run shows a statement
    cancelled for running too long."""
    state = context.state
    assert context.principal is not None and state.access is not None
    context.operation = operation
    timeouts = operation_timeouts(state.settings, state.access.schema, document, operation)
    with transaction_span(state.tracing, operation):
        async with state.engine.connect() as conn:
            if readonly:
                conn = await conn.execution_options(postgresql_readonly=True)
            run = OperationRun(await conn.begin())
            try:
                actor = await bind_and_load_actor(
                    conn, context.principal, state.policies, context.request_id, timeouts
                )
                state.outage.succeeded()  # the database answers (again)
                if actor is not None:
                    context.actor = actor
                    context.conn = conn
                    context.denied = state.access.denied(
                        document, actor.role_id, actor.role_version, actor.policy
                    )
                yield run
                if run.transaction.is_active:
                    await run.transaction.rollback()
            except BaseException:
                await run.transaction.rollback()
                raise
            finally:
                context.conn = None
    if _cancelled(run.result):
        # strawberry answers what this raises as the operation's only error
        raise timed_out(timeouts)
