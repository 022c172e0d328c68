"""Before anything is timed: which workloads can run, are their answers right, and
how many SQL statements does each request send.

Statements are counted, not guessed: every workload's requests go once through the
very same app in-process (httpx ASGI transport) with a SQLAlchemy
`before_cursor_execute` listener on its engine; the floor counts its own calls.
BEGIN and COMMIT/ROLLBACK are not counted, for either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from graphql import parse, validate

from api.settings import Settings
from api.strawberry_internals import graphql_schema
from bench.data import Dataset
from bench.workloads import Workload, data

SAMPLE = 20  # requests per workload in the counting pass


@dataclass(frozen=True)
class Counted:
    statements: float  # per request (M1: per order, i.e. create + confirm)
    answer: str  # what the check saw, e.g. "50 rows"
    results: list[Any] = field(default_factory=list, repr=False, compare=False)


def missing_api(workloads: list[Workload], settings: Settings, tables: set[str]) -> dict[str, str]:
    """workload id -> why it cannot run: its document does not validate against the
    schema (that area's API has not landed), or its data is not seeded."""
    from api.schema import build_schema

    schema = graphql_schema(build_schema(settings))
    out: dict[str, str] = {}
    for w in workloads:
        if w.target == "floor":
            if "deals" not in tables:
                out[w.id] = "skipped (no deals table)"
            continue
        errors = [e.message for q in (w.query, w.then) if q for e in validate(schema, parse(q))]
        if errors:
            out[w.id] = f"skipped (API not present: {errors[0]})"
    return out


async def _post(client: httpx.AsyncClient, path: str, token: str, body: dict[str, Any]) -> Any:
    response = await client.post(
        path,
        content=orjson.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def created_id(result: dict[str, Any]) -> str:
    """The id in a create payload (M1): the first `{... { id } userErrors }` found."""
    payload = next(iter(data(result).values()))
    assert not payload["userErrors"], payload["userErrors"]
    node = next(v for k, v in payload.items() if k != "userErrors")
    return str(node["id"])


async def _one(
    client: httpx.AsyncClient, w: Workload, token: str, body: dict[str, Any]
) -> tuple[Any, str]:
    result = await _post(client, w.path, token, body)
    if w.then is None:
        return result, w.check(result) if w.check else "ok"
    confirm = {"query": w.then, "variables": {"input": {"id": created_id(result)}}}
    confirmed = await _post(client, w.path, token, confirm)
    payload = next(iter(data(confirmed).values()))
    assert not payload["userErrors"], payload["userErrors"]
    return confirmed, "created and confirmed"


async def count(
    settings: Settings,
    ds: Dataset,
    workloads: list[Workload],
    tokens: dict[str, str],
    floor_dsn: str | None,
) -> tuple[dict[str, Counted], dict[str, str]]:
    """Send each workload's first SAMPLE requests once; check every answer; count.
    Returns (counted, workload id -> why it failed its check)."""
    from api.app import build_state, create_app
    from api.database import create_engine
    from bench import floor

    engine = create_engine(settings.app_database_url or "", settings)
    seen = {"n": 0}

    def on_execute(*args: Any) -> None:
        seen["n"] += 1

    def statements(w: Workload) -> int:
        return floor.STATEMENTS.value if w.target == "floor" else seen["n"]

    sa.event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    out: dict[str, Counted] = {}
    answers: dict[str, list[Any]] = {}
    failed: dict[str, str] = {}
    apps: dict[str, Any] = {}
    try:
        apps["atrium"] = create_app(settings, build_state(settings, engine))
        if floor_dsn and any(w.target == "floor" for w in workloads):
            apps["floor"] = floor.create(floor_dsn)
            await floor.startup(apps["floor"])
        for w in workloads:
            try:
                out[w.id] = await _count_one(apps[w.target], w, ds, tokens[w.id], statements)
            except (AssertionError, KeyError, TypeError, StopIteration) as exc:
                failed[w.id] = f"failed its check: {type(exc).__name__} {str(exc)[:300]}"
                continue
            answers[w.id] = out[w.id].results
            if w.same_as in answers:
                if answers[w.id] != answers[w.same_as]:
                    failed[w.id] = f"failed its check: answers differently from {w.same_as}"
                    del out[w.id]
                else:
                    out[w.id] = Counted(out[w.id].statements, out[w.id].answer + ", same JSON")
    finally:
        if "floor" in apps:
            await floor.shutdown(apps["floor"])
        sa.event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
        await engine.dispose()
    return out, failed


async def _count_one(
    app: Any, w: Workload, ds: Dataset, token: str, statements: Callable[[Workload], int]
) -> Counted:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        bodies = w.bodies(ds)[:SAMPLE]
        await _one(client, w, token, bodies[0])  # warm caches
        before = statements(w)
        results = [await _one(client, w, token, body) for body in bodies]
        after = statements(w)
    return Counted((after - before) / len(bodies), results[-1][1], [r for r, _ in results])
