"""F1, the floor: the least a Python server must do to answer Q1 correctly.

Starlette + asyncpg, hand-written SQL, the same RLS transaction wrapper as Atrium
(BEGIN READ ONLY; set_config tenant and user; the query; COMMIT) and the same JSON.
The bearer token's claims are read without verifying the signature: the floor
measures the database round trips and HTTP, not authentication.

    BENCH_FLOOR_DSN=postgresql://atrium_app@…/atrium_bench uvicorn bench.floor:app
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SET_CONTEXT = (
    "SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true),"
    " set_config('app.request_id', $3, true)"
)


class _Counter:
    value = 0


STATEMENTS = _Counter()  # statements sent, for the counting pass (BEGIN/COMMIT excluded)


def claims(request: Request) -> dict[str, Any]:
    token = request.headers["authorization"].removeprefix("Bearer ")
    payload = token.split(".")[1]
    return orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def global_id(type_name: str, id: Any) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{id}".encode()).decode().rstrip("=")


async def run(request: Request, sql: str, *args: Any) -> list[asyncpg.Record]:
    who = claims(request)
    async with request.app.state.pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.fetchval(SET_CONTEXT, who["tid"], who["sub"], uuid.uuid4().hex)
        rows = await conn.fetch(sql, *args)
        STATEMENTS.value += 2
        return rows


# The page first (keyset order, the tenant's index), then its relations for those rows.
Q1_SQL = """
WITH page AS (
    SELECT id, title, stage_id, amount, currency, customer_id, owner_id, created_at
      FROM deals
     ORDER BY created_at DESC, id DESC
     LIMIT $1
)
SELECT p.id, p.title, s.name AS stage, p.amount, p.currency, c.name AS customer,
       u.name AS owner, p.created_at
  FROM page p
  JOIN pipeline_stages s ON s.id = p.stage_id
  JOIN customers c ON c.id = p.customer_id
  JOIN users u ON u.id = p.owner_id
 ORDER BY p.created_at DESC, p.id DESC
"""


def cursor(*values: Any) -> str:
    raw = orjson.dumps([v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def q1(request: Request, variables: dict[str, Any]) -> dict[str, Any]:
    """Q1: a page of deals, newest first (Atrium's default order), as the caller sees
    them (RLS), with the same global ids and keyset cursors as Atrium's."""
    first = int(variables.get("first", 50))
    rows = await run(request, Q1_SQL, first + 1)
    page = rows[:first]
    edges = [
        {
            "node": {
                "id": global_id("Deal", r["id"]),
                "title": r["title"],
                "stage": {"name": r["stage"]},
                "amount": str(r["amount"]),
                "currency": r["currency"],
                "customer": {"name": r["customer"]},
                "owner": {"name": r["owner"]},
            }
        }
        for r in page
    ]
    last = page[-1] if page else None
    return {
        "deals": {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": len(rows) > first,
                "endCursor": cursor(last["created_at"], last["id"]) if last else None,
            },
        }
    }


QUERIES: dict[str, Any] = {"/q1": q1}  # path -> async handler(request, variables) -> data


async def endpoint(request: Request) -> Response:
    body = orjson.loads(await request.body())
    data = await QUERIES[request.url.path](request, body.get("variables") or {})
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


async def startup(app: Starlette) -> None:
    # the same pool size as Atrium's (pool 10 + overflow 10)
    app.state.pool = await asyncpg.create_pool(
        app.state.dsn, min_size=10, max_size=20, server_settings={"jit": "off"}
    )


async def shutdown(app: Starlette) -> None:
    await app.state.pool.close()


def create(dsn: str) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await startup(app)
        try:
            yield
        finally:
            await shutdown(app)

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            *(Route(path, endpoint, methods=["POST"]) for path in QUERIES),
        ],
        lifespan=lifespan,
    )
    app.state.dsn = dsn
    return app


def __getattr__(name: str) -> Any:  # `uvicorn bench.floor:app`
    if name == "app":
        return create(os.environ["BENCH_FLOOR_DSN"])
    raise AttributeError(name)
