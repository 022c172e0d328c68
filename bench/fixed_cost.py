"""Where the fixed cost of a request goes: CPU per call of each step a V0 request takes,
measured in-process on the bench database (`make bench` or `python -m bench.seed` first).

    .venv/bin/python -m bench.fixed_cost          # 500 calls per step, best of 8 rounds

Each step is timed on its own with `time.process_time` (this process's CPU, the
kernel's share of its socket calls included), so the HTTP client and PostgreSQL are not
counted; the machine is shared, so each step's figure is its best round, and still
noisy. The Python function calls per step (counted by cProfile) are not.
The steps overlap (V0 contains all the others); their differences say where it goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import orjson

from bench.database import prepare
from bench.run import Plan, _settings, _tokens
from bench.workloads import WORKLOADS

Step = Callable[[], Awaitable[Any]]


def _asgi(app: Any, method: str, path: str, body: bytes = b"", token: str | None = None) -> Step:
    headers = [(b"host", b"bench"), (b"content-type", b"application/json")]
    headers += [(b"content-length", str(len(body)).encode())]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
        "headers": headers,
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def call() -> None:
        status: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(dict(scope), receive, send)
        assert status == [200], status

    return call


def _raw_round_trips(pool: asyncpg.Pool, tenant_id: str, user_id: str) -> Step:
    async def call() -> None:
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            await conn.fetchval(
                "SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)",
                tenant_id,
                user_id,
            )
            await conn.fetchval("SELECT name FROM tenants")

    return call


def _transaction(state: Any, principal: Any) -> Step:
    from tenants.principal import bind_and_load_actor

    async def call() -> None:
        async with state.engine.connect() as conn:
            conn = await conn.execution_options(postgresql_readonly=True)
            transaction = await conn.begin()
            assert await bind_and_load_actor(conn, principal, state.policies, "bench")
            await transaction.rollback()

    return call


async def _cpu_per_call(step: Step, calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        await step()
    return (time.process_time() - started) / calls * 1e6


async def _function_calls(step: Step, calls: int = 100) -> float:
    """Python function calls per call of the step: unlike CPU time, the same on a
    busy machine, so a change that saves work shows even when the timings drown it."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(calls):
        await step()
    profile.disable()
    return sum(stat[1] for stat in pstats.Stats(profile).stats.values()) / calls  # type: ignore[attr-defined]


async def _best_of(steps: list[tuple[str, Step]], calls: int, rounds: int) -> dict[str, float]:
    """The least CPU per call of each step over the rounds; the steps take turns within
    a round, so a neighbour's burst of load slows them all alike."""
    for _, step in steps:
        for _ in range(200):  # warm caches, pools and prepared statements
            await step()
    best = {name: float("inf") for name, _ in steps}
    for _ in range(rounds):
        for name, step in steps:
            best[name] = min(best[name], await _cpu_per_call(step, calls))
    return best


async def _measure(settings: Any, db: Any, token: str, calls: int, rounds: int) -> None:
    from api.app import build_state, create_app

    workload = next(w for w in WORKLOADS if w.id == "V0")
    tenant, user_id = workload.of(db.dataset), workload.user(db.dataset)
    state = build_state(settings)
    app = create_app(settings, state)
    principal = await state.verifier.verify(token)
    pool = await asyncpg.create_pool(db.app_dsn, min_size=1, max_size=2)
    v0 = orjson.dumps(workload.bodies(db.dataset)[0])
    steps: list[tuple[str, Step]] = [
        (
            "asyncpg alone: BEGIN, set_config, one SELECT, COMMIT",
            _raw_round_trips(pool, str(tenant.id), str(user_id)),
        ),
        ("GET /healthz through the middleware and router", _asgi(app, "GET", "/healthz")),
        ("bearer token, verified before (remembered)", lambda: state.verifier.verify(token)),
        (
            "the tenant transaction: connect, BEGIN, bind + actor, ROLLBACK",
            _transaction(state, principal),
        ),
        (
            "POST /graphql `{ __typename }` (no token, no database)",
            _asgi(app, "POST", "/graphql", b'{"query": "{ __typename }"}'),
        ),
        ("V0 whole", _asgi(app, "POST", "/graphql", v0, token)),
    ]
    try:
        print("CPU us/call  Python calls/call  step")
        for name, cpu in (await _best_of(steps, calls, rounds)).items():
            step = dict(steps)[name]
            print(f"{cpu:11.0f}  {await _function_calls(step):17.0f}  {name}")
    finally:
        await pool.close()
        await state.engine.dispose()


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    db = prepare(Plan.from_env().scale)
    try:
        settings = _settings(db)
        token = _tokens(db, settings, [w for w in WORKLOADS if w.id == "V0"])["V0"]
        asyncio.run(_measure(settings, db, token, calls, rounds))
    finally:
        db.close()


if __name__ == "__main__":
    main()
