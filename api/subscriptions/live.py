"""One websocket's live state: who it is, its subscriptions' feed, and the one event
at a time it resolves.

Every event is answered like a query: in its own read-only tenant transaction
(api.extensions.operation_transaction) as the subscriber, whose token is checked
again and whose user and role are loaded anew, so RLS, record scope and field policy
decide what it shows, and a deactivated user or an expired token closes the socket
at the next event. The transaction lasts while graphql-core resolves the event's
selection and ends before the result is sent (`finish`, from the stream-result hook
in api.subscriptions.socket), so a slow client holds no database connection.

A connection's operations share strawberry's one context, so its events are resolved
one at a time (`_turn`): the context's transaction, actor, access marks and loaders
are the current event's.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from graphql import DocumentNode, FieldNode, OperationDefinitionNode

from api.auth import AuthError
from api.core.relay import NODE_RESOLVERS
from api.errors import forbidden
from api.extensions import operation_transaction
from domain.live.feed import ChangeFeed, Ended, Subscriber

if TYPE_CHECKING:
    from api.core.context import AppState, Context

# close codes: graphql-transport-ws's own, and the WebSocket ones a client reconnects on
FORBIDDEN = 4403
TOO_MANY = 4429
TRY_AGAIN_LATER = 1013
SERVICE_RESTART = 1012

ENDED = {
    Ended.BEHIND: (TRY_AGAIN_LATER, "Too far behind the events; reconnect."),
    Ended.LOST: (SERVICE_RESTART, "The event feed restarted; reconnect."),
}


class Refused(Exception):
    """The socket is refused or closed with this code and reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class LiveState:
    """Per process: the change feed and the open sockets per tenant."""

    feed: ChangeFeed
    sockets: Counter[UUID] = field(default_factory=Counter)


def live_state(state: AppState) -> LiveState:
    if state.live is None:
        state.live = LiveState(ChangeFeed(state.engine))
    return state.live


class LiveConnection:
    """The live half of a websocket's Context (`context.live`)."""

    def __init__(self, context: Context, websocket: Any) -> None:
        self.context = context
        self.websocket = websocket
        self.token: str | None = None
        self.tenant_id: UUID | None = None  # counted against the tenant's sockets
        self._turn = asyncio.Lock()
        self._event: AsyncExitStack | None = None
        # operation -> its document, for the access analysis (cached by document)
        self._documents: dict[int, DocumentNode] = {}

    @property
    def state(self) -> LiveState:
        return live_state(self.context.state)

    # ----------------------------------------------------------------- the socket
    def admit(self, token: str, tenant_id: UUID) -> None:
        """Count the socket against its tenant's limit (refused over it)."""
        sockets = self.state.sockets
        limit = self.context.settings.subscriptions_max_sockets_per_tenant
        if sockets[tenant_id] >= limit:
            raise Refused(TOO_MANY, f"At most {limit} live connections per tenant.")
        sockets[tenant_id] += 1
        self.token, self.tenant_id = token, tenant_id

    def release(self) -> None:
        if self.tenant_id is not None:
            sockets = self.state.sockets
            sockets[self.tenant_id] -= 1
            if sockets[self.tenant_id] <= 0:
                del sockets[self.tenant_id]
            self.tenant_id = None

    async def close(self, code: int, reason: str) -> None:
        """Close the socket, then wait to be cancelled: strawberry ends the socket's
        operations once the client has seen it close (an operation that ended instead
        would be answered `complete` on a closed socket)."""
        await self.websocket.close(code=code, reason=reason)
        await asyncio.Event().wait()

    # ------------------------------------------------------------ subscriptions
    async def start(self, document: DocumentNode, operation: OperationDefinitionNode) -> None:
        """Before a subscription starts: the subscriber's user is active and their role
        reads its root field (its selection is checked again at every event)."""
        self._documents[id(operation)] = document
        await self.begin(operation)
        try:
            for selection in operation.selection_set.selections:
                rule = self.context.denied.get(id(selection))
                if isinstance(selection, FieldNode) and rule is not None:
                    raise forbidden(rule.message)
        finally:
            await self.finish()

    @contextmanager
    def subscriber(self, *kinds: str) -> Iterator[Subscriber]:
        assert self.tenant_id is not None
        backlog = self.context.settings.subscriptions_backlog
        subscriber = Subscriber(self.tenant_id, frozenset(kinds), backlog)
        with self.state.feed.subscribed(subscriber):
            yield subscriber

    async def listen(self) -> None:
        await self.state.feed.listen()

    async def ended(self, subscriber: Subscriber) -> None:
        assert subscriber.ended is not None
        await self.close(*ENDED[subscriber.ended])

    # --------------------------------------------------------------- one event
    async def begin(self, operation: OperationDefinitionNode) -> None:
        """Open an event's transaction as the subscriber (closing the socket when the
        token or the user is no longer good); `finish` ends it."""
        await self._turn.acquire()
        try:
            refusal = await self._open(operation)
        except BaseException:
            self._turn.release()
            raise
        if refusal is not None:
            self._turn.release()
            await self.close(FORBIDDEN, refusal)

    async def _open(self, operation: OperationDefinitionNode) -> str | None:
        """Why the socket must close, or None with the event's transaction open."""
        assert self.token is not None
        try:
            await self.context.state.verifier.verify(self.token)
        except AuthError as exc:
            return str(exc)
        context = self.context
        context.loaders = {}
        stack = AsyncExitStack()
        document = self._documents[id(operation)]
        await stack.enter_async_context(
            operation_transaction(context, document, operation, readonly=True)
        )
        if context.actor is None:
            await stack.aclose()
            return "Unknown or deactivated user."
        self._event = stack
        return None

    async def finish(self) -> None:
        """End the current event's transaction, if one is open."""
        stack, self._event = self._event, None
        if stack is not None:
            try:
                await stack.aclose()
            finally:
                self.context.actor = None
                self._turn.release()

    async def reread(self, operation: OperationDefinitionNode, type_name: str, id: UUID) -> Any:
        """The entity as the subscriber's node(id:) would find it, in an event's open
        transaction; None (and no transaction) when it is out of their reach."""
        await self.begin(operation)
        try:
            found = await NODE_RESOLVERS[type_name][1](self.context, id)
        except BaseException:
            await self.finish()
            raise
        if found is None:
            await self.finish()
        return found
