"""The websocket side of /graphql: graphql-transport-ws, authenticated by the token in
`connection_init`, bounded per connection and per tenant; each result's errors shaped
as over HTTP (api.errors.shape_error) and each event's transaction ended before its
result is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage

from api.auth import AuthError
from api.core.context import Context
from api.errors import Code, shape_error
from api.subscriptions.live import FORBIDDEN, LiveConnection, Refused

USE_BEARER = 'Send {"Authorization": "Bearer <token>"} as the connection_init payload.'


def bearer_token(params: Mapping[str, Any] | None) -> str:
    """The token of a connection_init payload (`Authorization` or `authorization`)."""
    params = params or {}
    header = params.get("Authorization", params.get("authorization"))
    scheme, _, token = header.partition(" ") if isinstance(header, str) else ("", "", "")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(FORBIDDEN, USE_BEARER)
    return token.strip()


async def connect(context: Context) -> None:
    """connection_init: the token verified as HTTP verifies it (api.middleware), the
    socket counted against its tenant's limit."""
    live = context.live
    assert live is not None
    token = bearer_token(context.connection_params)
    try:
        principal = await context.state.verifier.verify(token)
    except AuthError as exc:
        raise Refused(FORBIDDEN, str(exc)) from None
    live.admit(token, principal.tenant_id)
    context.principal = principal


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, closing with our own code and reason
    when `connect` refuses, and saying the subscription limit with a code."""

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)
        except Refused as refused:
            await self.websocket.close(code=refused.code, reason=refused.reason)

    async def handle_subscribe(self, message: Any) -> None:
        limit = self.max_subscriptions_per_connection
        full = limit is not None and len(self.operations) >= limit
        if self.connection_acknowledged and full and message["id"] not in self.operations:
            error = GraphQLError(
                f"At most {limit} subscriptions per connection.",
                extensions={"code": str(Code.BAD_USER_INPUT)},
            )
            refusal: ErrorMessage = {
                "id": message["id"],
                "type": "error",
                "payload": [error.formatted],
            }
            await self.send_message(refusal)
            return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            live = getattr(self.context, "live", None)
            if live is not None:
                live.release()


class LiveResults(SchemaExtension):
    """Each streamed result: its event's transaction ended (before it is sent) and its
    errors given codes, unexpected ones masked and logged."""

    async def on_stream_result(self, result: Any) -> AsyncIterator[None]:
        context = self.execution_context.context
        live: LiveConnection | None = getattr(context, "live", None)
        if live is not None:
            await live.finish()
        if result.errors:
            result.errors = [shape_error(e, context.request_id) for e in result.errors]
        yield
