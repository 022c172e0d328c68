"""Queries sent as JSON over POST, executed without strawberry's HTTP view.

strawberry's view and its extension runner cost about as much CPU per request as the
whole compiled answer of a page of 50 rows (hooks, an execution context, a result
object per request). For the common request — a query, JSON over POST, with a
bearer token and no protocol extensions — the lane does what that path does, in
the same order and with the same parts: the document from the cache by its text
(`api.extensions.Documents`: parsed and validated once), the tenant transaction
(`api.extensions.operation_transaction`), graphql-core's executor with the compiled
read path (`api.compiled.executor.CompiledReads`), and the answer shaped by the
view's own `process_result`.

Whatever the lane does not take — a mutation, GET, a document that does not parse
or validate, variables that do not coerce, several operations without a name, no
or an unknown caller, `extensions` in the body, an `Accept` asking for
multipart or event streams — goes to strawberry's view, which answers it as always.
The differential test (tests/differential) sends its whole corpus through an app
with compiled reads on (this lane) and one with them off (strawberry's view) and
asserts the same answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from inspect import isawaitable
from typing import Any, TypeGuard, cast

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, OperationType
from strawberry.execution import optimized_is_awaitable
from strawberry.types import ExecutionResult

from api.compiled.executor import CompiledReads
from api.core.context import Context
from api.extensions import Documents, operation_transaction

# what strawberry's view would treat otherwise (incremental delivery, subscriptions)
STREAMED = (b"multipart", b"event-stream")
# strawberry's awaitable check, the one its view hands graphql-core
IS_AWAITABLE = cast(Callable[[Any], TypeGuard[Awaitable[Any]]], optimized_is_awaitable)


def takes(scope: Mapping[str, Any]) -> bool:
    """Whether the lane may answer this request (from its method and headers)."""
    if scope["method"] != "POST":
        return False
    headers = dict(scope["headers"])
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    accept = headers.get(b"accept", b"")
    return content_type == b"application/json" and not any(s in accept for s in STREAMED)


def _request(body: bytes) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """(query, variables, operationName) of a plain GraphQL request; None otherwise."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    query, variables = data.get("query"), data.get("variables")
    name = data.get("operationName")
    if (
        not isinstance(query, str)
        or not (variables is None or isinstance(variables, dict))
        or not (name is None or isinstance(name, str))
        or data.get("extensions") not in (None, {})  # the view refuses a non-object
    ):
        return None
    return query, variables, name


async def answer(
    schema: Any, documents: Documents, context: Context, body: bytes
) -> ExecutionResult | None:
    """The query's result, or None when strawberry's view is to answer it."""
    request = _request(body)
    if request is None or context.principal is None:
        return None
    query, variables, name = request
    try:
        entry = documents.parsed(query)
    except GraphQLError:
        return None
    if documents.errors(entry, schema):
        return None
    executor = CompiledReads.build(
        schema,
        entry.document,
        context_value=context,
        raw_variable_values=variables,
        operation_name=name,
        is_awaitable=IS_AWAITABLE,
        operation_extensions=None,
    )
    if isinstance(executor, list):
        return None  # the view answers request errors (operation, variables) its way
    operation = executor.operation
    if operation.operation != OperationType.QUERY:
        return None
    try:
        async with operation_transaction(context, entry.document, operation, True) as run:
            if context.actor is None:
                return None  # the view answers UNAUTHENTICATED
            result = executor.execute_operation()
            if isawaitable(result):
                result = await result
            run.result = result
    except Exception as exc:
        # as the view answers a failure outside any field (the database lost, a statement
        # cut by its time limit): the one error, shaped (masked, logged) by process_result
        error = exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
        return ExecutionResult(data=None, errors=[error])
    assert isinstance(result, GraphQLExecutionResult)  # no @defer/@stream in the schema
    return ExecutionResult(data=result.data, errors=result.errors)
