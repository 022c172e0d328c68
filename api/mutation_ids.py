"""`clientMutationId` (the Relay convention) on every mutation, in one place.

Every mutation takes one `input:` and returns a payload object. Each input gets an
optional `clientMutationId` and each payload the same field, answering what its input
said, so a client can match answers to requests it sent. Installed on the built schema,
like the access guards, so no area can forget it and none has to declare it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    default_field_resolver,
    get_nullable_type,
)

FIELD = "clientMutationId"
_ECHO = "_atrium_client_mutation_id"


def install_client_mutation_ids(schema: GraphQLSchema) -> None:
    if schema.mutation_type is None:
        return
    for field in schema.mutation_type.fields.values():
        inputs = get_nullable_type(field.args["input"].type)
        payload = get_nullable_type(field.type)
        assert isinstance(inputs, GraphQLInputObjectType), inputs
        assert isinstance(payload, GraphQLObjectType), payload
        inputs.fields.setdefault(
            FIELD,
            GraphQLInputField(
                GraphQLString,
                description="Any string of yours; the payload answers it as its "
                "`clientMutationId`, to match the answer to the request.",
            ),
        )
        payload.fields.setdefault(
            FIELD,
            GraphQLField(
                GraphQLString,
                description="The input's `clientMutationId`, as it was sent.",
                resolve=_echoed,
            ),
        )
        field.resolve = _echoing(field.resolve or default_field_resolver)


def _echoed(payload: Any, info: GraphQLResolveInfo[Any]) -> str | None:
    return getattr(payload, _ECHO, None)


def _echoing(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def echoing(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        given = (args.get("input") or {}).get(FIELD)
        result = resolve(root, info, **args)
        if given is None:
            return result
        if isawaitable(result):
            return _stamp_when_done(result, given)
        return _stamp(result, given)

    echoing.__wrapped__ = resolve  # type: ignore[attr-defined]
    return echoing


async def _stamp_when_done(result: Awaitable[Any], given: str) -> Any:
    return _stamp(await result, given)


def _stamp(payload: Any, given: str) -> Any:
    if payload is not None:
        setattr(payload, _ECHO, given)
    return payload
