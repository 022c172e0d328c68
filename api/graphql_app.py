"""GraphQL over HTTP at /graphql (POST JSON; GET for queries only)."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from api import graphiql, graphql_over_http, idempotency, query_lane
from api.auth import bearer_challenge
from api.core.context import Context
from api.errors import Code, shape_error
from api.strawberry_internals import graphql_schema, mutation_over_get
from api.subscriptions.live import LiveConnection
from api.subscriptions.socket import TransportWS, connect
from domain.outage import RETRY_AFTER_SECONDS, database_unavailable

if TYPE_CHECKING:
    from api.schema import AtriumSchema

NOT_A_REQUEST = 'Expected a JSON object: a GraphQL request is {"query": "...", "variables": {...}}.'


CLEARER = {
    "Unsupported content type": "Unsupported content type: POST JSON with "
    "`Content-Type: application/json` (or use GET for queries).",
    "Batching is not enabled": "Batching is off: send one GraphQL request per HTTP request.",
    # the only 404 strawberry gives: a browser asked for GraphiQL while it is off
    "Not Found": "GraphiQL is off here; send GraphQL requests as JSON (POST, or GET for queries).",
}


def error_response(
    status: int,
    message: str,
    code: Code = Code.BAD_USER_INPUT,
    *,
    request_id: str | None = None,
    **headers: str,
) -> Response:
    extensions = {"code": str(code), **({"requestId": request_id} if request_id else {})}
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


UNAVAILABLE_MESSAGE = (
    f"The database is unavailable; nothing was done. Retry in {RETRY_AFTER_SECONDS} s."
)
RETRY_LATER = {"Retry-After": str(RETRY_AFTER_SECONDS)}


def unavailable_response(request_id: str | None) -> Response:
    return error_response(
        503, UNAVAILABLE_MESSAGE, Code.UNAVAILABLE, request_id=request_id, **RETRY_LATER
    )


def _http_status(
    codes: AbstractSet[object], token_given: bool
) -> tuple[int, dict[str, str]] | None:
    """The HTTP status (and headers) a GraphQL answer with these error codes gets;
    None keeps 200. Only refusals of the whole request leave 200."""
    if Code.UNAVAILABLE in codes:
        return 503, RETRY_LATER
    if Code.UNAUTHENTICATED in codes:
        return 401, {"WWW-Authenticate": bearer_challenge(token_given)}
    if Code.IDEMPOTENCY_KEY_REUSED in codes:
        return 422, {}
    if Code.IDEMPOTENCY_IN_PROGRESS in codes:
        return 409, {}
    return None


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWS

    def __init__(self, schema: AtriumSchema, **options: Any) -> None:
        # Subscriptions speak graphql-transport-ws only (README "Live updates"). A socket
        # carries no cookie and authenticates with the token in connection_init, so a
        # page of any origin may open one: it can do no more than its token allows.
        options.setdefault("subscription_protocols", (GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        options.setdefault("allowed_origins", ("*",))
        super().__init__(schema, **options)
        self._core = graphql_schema(schema)
        self._documents = schema.documents

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        media = request.state.media_type = graphql_over_http.response_media_type(
            request.headers.get("accept")
        )
        try:
            if media is None and not self._asks_for_ide(request):
                response = error_response(406, graphql_over_http.NOT_ACCEPTABLE)
            else:
                response = await self._lane(request, scope) or await self.run(request)
        except HTTPException as exc:
            # strawberry answers bad requests in plain text; clients want JSON with a code
            if mutation_over_get(exc):
                # GraphQL over HTTP: a mutation over GET is 405, not 400
                response = error_response(
                    405, "Send mutations with POST; GET is for queries only.", Allow="POST"
                )
            else:
                code = Code.NOT_FOUND if exc.status_code == 404 else Code.BAD_USER_INPUT
                response = error_response(
                    exc.status_code, CLEARER.get(exc.reason, exc.reason), code
                )
        context = getattr(request.state, "context", None)
        if context is not None and context.read_path is not None:
            response.headers["Atrium-Read-Path"] = context.read_path
        if context is not None and idempotency.replaying(context):
            response.headers[idempotency.REPLAY_HEADER] = "true"
        status = getattr(request.state, "http_status", None)
        if status is not None:
            response.status_code, headers = status
            response.headers.update(headers)
        if media is not None and response.media_type == graphql_over_http.JSON:
            response.headers["content-type"] = graphql_over_http.CONTENT_TYPES[media]
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(graphiql.PAGE)  # its files served here, not from a CDN

    def _asks_for_ide(self, request: Request) -> bool:
        """A browser's GET of the page (GraphiQL, or 404 when it is off)."""
        return self.should_render_graphql_ide(self.request_adapter_class(request))

    async def _lane(self, request: Request, scope: Scope) -> Response | None:
        """A query answered by api.query_lane, or None for strawberry's view."""
        settings = request.app.state.atrium.settings
        # with persisted operations only, every request goes where they are checked
        if not settings.compiled_reads or settings.persisted_only or not query_lane.takes(scope):
            return None
        context = await self.get_context(request, None)
        body = await request.body()
        result = await query_lane.answer(self._core, self._documents, context, body)
        if result is None:
            return None
        data = await self.process_result(request, result)
        return Response(self.encode_json(data), media_type="application/json")

    def should_render_graphql_ide(self, request: Any) -> bool:
        # a GET naming its document by hash (persisted queries) is a request, not a
        # browser opening GraphiQL, whatever it accepts
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def get_context(self, request: Any, response: Any) -> Context:
        context = Context(
            state=request.app.state.atrium,
            # a websocket is one request to RequestContext, which sees HTTP only
            request_id=getattr(request.state, "request_id", None) or uuid.uuid4().hex,
            principal=getattr(request.state, "principal", None),
        )
        if request.scope["type"] == "websocket":
            context.live = LiveConnection(context, response)
        request.state.context = context  # for the Atrium-Read-Path header
        key = request.headers.get(idempotency.HEADER)
        if key is not None:
            context.idempotency = idempotency.IdempotentRequest(key)
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType:
        await connect(context)
        return UnsetType()  # acknowledged without a payload

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        request_id = request.state.request_id
        context = getattr(request.state, "context", None)
        replayed = context.idempotency.replayed() if context and context.idempotency else None
        if replayed is not None:
            return cast(GraphQLHTTPResponse, replayed)  # the stored answer, as it was sent
        errors = result.errors or []
        data: GraphQLHTTPResponse = {"data": result.data}
        lost = next(
            (e.original_error for e in errors if database_unavailable(e.original_error)), None
        )
        if lost is not None:
            # the operation's transaction is gone, so is whatever it did: one error, no data
            request.app.state.atrium.outage.failed(lost)
            data["data"] = None
            extensions = {"code": str(Code.UNAVAILABLE), "requestId": request_id}
            errors = [GraphQLError(UNAVAILABLE_MESSAGE, extensions=extensions)]
        if errors:
            shaped = [shape_error(e, request_id).formatted for e in errors]
            data["errors"] = list[object](shaped)
            codes = {e.get("extensions", {}).get("code") for e in shaped}
            token_given = "authorization" in request.headers
            status = _http_status(codes, token_given)
            media = getattr(request.state, "media_type", graphql_over_http.JSON)
            if graphql_over_http.is_request_error(data["data"], shaped):
                del data["data"]  # nothing was executed
                if media == graphql_over_http.GRAPHQL_RESPONSE:
                    status = status or (400, {})
            elif status is not None and media == graphql_over_http.GRAPHQL_RESPONSE:
                del data["data"]  # a refusal of the whole request (401, 503) has none
            request.state.http_status = status
            request.state.error_codes = codes  # for the operation's metrics
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    def decode_json(self, data: str | bytes) -> object:
        """A request body (or GET `variables`/`extensions`): JSON, and an object (a list
        only so that strawberry can answer that batching is off)."""
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise HTTPException(400, f"Request body is not valid JSON: {exc}.") from None
        if not isinstance(value, dict | list):
            raise HTTPException(400, NOT_A_REQUEST)
        return value

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
