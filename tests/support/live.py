"""A real server and a real graphql-transport-ws client for the subscription tests.

`served(app)` runs uvicorn in the test's event loop on a free port of the loopback;
`Socket` speaks the protocol over the `websockets` library, as any client would."""

from __future__ import annotations

import asyncio
import json
import socket as sockets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from itertools import count
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"
WAIT = 10.0  # seconds an expected message may take on a busy machine; never slept


@asynccontextmanager
async def served(app: Any) -> AsyncIterator[str]:
    """The app behind uvicorn; yields the websocket URL of /graphql."""
    listening = sockets.socket(sockets.AF_INET, sockets.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, lifespan="on", ws_ping_interval=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task
        listening.close()


class Socket:
    """One graphql-transport-ws connection."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._ids = count(1)

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, within: float = WAIT) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), within))
            if message["type"] != "ping":
                return message  # type: ignore[no-any-return]
            await self.send({"type": "pong"})

    async def init(self, token: str | None) -> None:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await self.send({"type": "connection_init", "payload": payload})

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        id = str(next(self._ids))
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": id, "type": "subscribe", "payload": payload})
        return id

    async def next(self, id: str, within: float = WAIT) -> dict[str, Any]:
        """The payload of the next `next` message (of `id`), failing on anything else."""
        message = await self.receive(within)
        assert message["type"] == "next" and message["id"] == id, message
        return message["payload"]  # type: ignore[no-any-return]

    async def closed(self, within: float = WAIT) -> tuple[int | None, str | None]:
        """The code and reason the server closed the socket with."""
        try:
            while True:
                message = await asyncio.wait_for(self.ws.recv(), within)
                assert json.loads(message)["type"] in {"ping", "pong"}, message
        except ConnectionClosed as closed:
            return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)


@asynccontextmanager
async def socket(url: str, token: str | None = None) -> AsyncIterator[Socket]:
    """A connection; acknowledged when a token is given."""
    async with connect(url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        client = Socket(ws)
        if token is not None:
            await client.init(token)
            ack = await client.receive()
            assert ack["type"] == "connection_ack", ack
        yield client
