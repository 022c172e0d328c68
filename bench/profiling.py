"""Where a workload's server time goes: its requests through the app in-process under
cProfile (the bench database must exist: `make bench` or `python -m bench.seed`).

    .venv/bin/python -m bench.profiling Q1-50            # 200 requests, top 30 by own time
    .venv/bin/python -m bench.profiling Q6 500 cumulative
    PROFILE_LINES=80 PROFILE_CALLERS="_make_proxy" .venv/bin/python -m bench.profiling Q3
        # more lines; and who calls the functions matching a pattern
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import sys
from typing import Any

import httpx
import orjson

from bench.database import prepare
from bench.workloads import WORKLOADS


async def _profile(settings: Any, workload: Any, ds: Any, token: str, n: int) -> cProfile.Profile:
    from api.app import build_state, create_app

    state = build_state(settings)
    app = create_app(settings, state)
    bodies = [orjson.dumps(b) for b in workload.bodies(ds)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for body in bodies[:20]:  # warm the caches and the pool
                await client.post(workload.path, content=body, headers=headers)
            profile = cProfile.Profile()
            profile.enable()
            for i in range(n):
                await client.post(workload.path, content=bodies[i % len(bodies)], headers=headers)
            profile.disable()
    finally:
        await state.engine.dispose()
    return profile


def main() -> None:
    from bench.run import Plan, _settings, _tokens

    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    wid, n, order = args[0], int(args[1]) if len(args) > 1 else 200, (args[2:] or ["tottime"])[0]
    workload = next((w for w in WORKLOADS if w.id == wid and w.target == "atrium"), None)
    if workload is None:
        raise SystemExit(f"no Atrium workload {wid!r}")
    db = prepare(Plan.from_env().scale)
    try:
        settings = _settings(db)
        token = _tokens(db, settings, [workload])[wid]
        profile = asyncio.run(_profile(settings, workload, db.dataset, token, n))
    finally:
        db.close()
    stats = pstats.Stats(profile).strip_dirs().sort_stats(order)
    print(f"{wid}: {n} requests in-process (includes the test client's own time)")
    stats.print_stats(int(os.environ.get("PROFILE_LINES", "30")))
    if os.environ.get("PROFILE_CALLERS"):
        stats.print_callers(os.environ["PROFILE_CALLERS"])


if __name__ == "__main__":
    main()
