"""`make bench`: seed, start Atrium and the F1 floor, drive every workload with wrk.

    make bench                  # full: 5 s warm-up, 10 s measured, c=1 and c=16, 3 repetitions
    make bench BENCH_QUICK=1    # quick: 1 s warm-up, 2 s measured, 1 repetition
    make bench BENCH_POOLER=pgbouncer  # the server through PgBouncer (transaction mode)
    BENCH_ONLY=Q1-50,F1-50 make bench # some workloads only
    BENCH_SCALE=0.2 make bench  # a smaller data set

Prints a table and writes bench/results/latest.json. Everything it starts (embedded
PostgreSQL, the server, the floor) is stopped at the end, also on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psutil

from api.database import OWNER_ROLE, asyncpg_dsn
from bench import m1, wrk
from bench.database import APP_ROLE, DATA_DIR, ROOT, BenchDatabase, prepare
from bench.measure import Measured, measure
from bench.procs import Service
from bench.report import print_report
from bench.workloads import WORKLOADS, Workload

RESULTS = Path(__file__).resolve().parent / "results"
WORK_DIR = ROOT / ".atrium" / "bench"


@dataclass(frozen=True)
class Plan:
    quick: bool
    warmup: float
    seconds: float
    repetitions: int
    concurrency: tuple[int, ...]
    scale: float
    only: tuple[str, ...]
    pooler: str  # "" or "pgbouncer": what stands between the server and PostgreSQL

    @classmethod
    def from_env(cls) -> Plan:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
        conc = os.environ.get("BENCH_CONCURRENCY", "1,16")
        return cls(
            quick=quick,
            warmup=float(os.environ.get("BENCH_WARMUP", 1 if quick else 5)),
            seconds=float(os.environ.get("BENCH_SECONDS", 2 if quick else 10)),
            repetitions=int(os.environ.get("BENCH_REPETITIONS", 1 if quick else 3)),
            concurrency=tuple(int(c) for c in conc.split(",")),
            scale=float(os.environ.get("BENCH_SCALE", 1)),
            only=tuple(w for w in os.environ.get("BENCH_ONLY", "").split(",") if w),
            pooler=os.environ.get("BENCH_POOLER", ""),
        )


def _settings(db: BenchDatabase) -> Any:
    from api.settings import Settings

    return Settings(env="production", data_dir=DATA_DIR, rate_limit="").model_copy(
        update={"database_url": db.owner_url, "app_database_url": db.app_url}
    )


def _tokens(db: BenchDatabase, settings: Any, workloads: list[Workload]) -> dict[str, str]:
    from api.auth import KeyStore

    keys = KeyStore.load_or_create(DATA_DIR)
    return {
        w.id: keys.issue(
            settings, tenant_id=w.of(db.dataset).id, user_id=w.user(db.dataset), ttl=24 * 3600
        )
        for w in workloads
    }


def _server_database(plan: Plan, db: BenchDatabase, stack: ExitStack) -> dict[str, str]:
    """The server's database settings: straight to PostgreSQL, or through a PgBouncer
    in transaction mode with as many server connections as the server's pool has."""
    if not plan.pooler:
        return {"ATRIUM_APP_DATABASE_URL": db.app_url}
    if plan.pooler != "pgbouncer":
        raise SystemExit(f"BENCH_POOLER={plan.pooler!r}: only 'pgbouncer' is known")
    from api.settings import Settings
    from bench.pgbouncer import running_pgbouncer

    pool = Settings().db_pool_size + Settings().db_max_overflow
    users = (APP_ROLE, OWNER_ROLE)
    pgbouncer = stack.enter_context(
        running_pgbouncer(db.app_url, WORK_DIR / "pgbouncer", users, pool=pool)
    )
    return {"ATRIUM_APP_DATABASE_URL": pgbouncer.url(db.app_url), "ATRIUM_DB_POOLER": "pgbouncer"}


def _start_services(
    db: BenchDatabase, need_floor: bool, database: dict[str, str]
) -> dict[str, Service]:
    env = {
        "ATRIUM_ENV": "production",
        "DATABASE_URL": db.owner_url,
        **database,
        "ATRIUM_DATA_DIR": str(DATA_DIR),
        # one user sends every request of a workload, hundreds a second: measure the
        # server, not its rate limit
        "ATRIUM_RATE_LIMIT": "",
    }
    services = {}
    try:
        services["atrium"] = Service(
            "atrium",
            ["-m", "api.cli", "serve", "--no-migrate", "--host", "127.0.0.1", "--port", "{port}"],
            env,
            WORK_DIR,
        )
        if need_floor:
            services["floor"] = Service(
                "floor",
                [
                    "-m",
                    "uvicorn",
                    "bench.floor:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "{port}",
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                {"BENCH_FLOOR_DSN": db.app_dsn},
                WORK_DIR,
            )
        services["atrium"].wait_ready("/readyz")
        if need_floor:
            services["floor"].wait_ready("/healthz")
    except BaseException:
        for s in services.values():
            s.stop()
        raise
    return services


def _commit() -> str:
    """What was measured: the commit, marked when the worktree has changes."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def _lua(w: Workload, db: BenchDatabase, token: str, variables: Any = None) -> Path:
    ds = db.dataset
    bodies = (
        w.bodies(ds)
        if variables is None
        else [{"query": w.query, "variables": v} for v in variables(w.of(ds))]
    )
    follow = fields = None
    if w.then:
        follow = orjson.dumps({"query": w.then, "variables": {"input": {"id": "@ID@"}}})
        fields = (_root_field(w.query), _root_field(w.then))
    return wrk.script(
        w.id + ("-scarce" if variables else ""),
        w.path,
        token,
        [orjson.dumps(b) for b in bodies],
        WORK_DIR / "lua",
        follow=follow,
        fields=fields or ("", ""),
    )


def _root_field(document: str) -> str:
    from graphql import FieldNode, OperationDefinitionNode, parse

    op = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    field = op.selection_set.selections[0]
    assert isinstance(field, FieldNode)
    return field.name.value


def _m1_scarce(
    plan: Plan, wrk_bin: str, service: Service, w: Workload, db: BenchDatabase, token: str
) -> dict[str, Any]:
    """M1 at concurrency 16 on three products with little stock: more orders are
    attempted than can be confirmed; afterwards nothing may be oversold or lost."""
    from bench.workloads import m1_orders

    owner = asyncpg_dsn(db.owner_url)
    asyncio.run(m1.reset(owner, db.dataset))
    lua = _lua(w, db, token, m1_orders("scarce"))
    connections = max(plan.concurrency)
    r = wrk.run(wrk_bin, service.url, lua, connections, max(plan.seconds, 5))
    time.sleep(1)  # requests in flight when wrk stopped finish (and are audited)
    found = asyncio.run(m1.audit(owner, db.dataset, r.created, r.followed, r.refused, connections))
    asyncio.run(m1.reset(owner, db.dataset))
    return found.as_dict()


def main() -> None:
    plan = Plan.from_env()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    wrk_bin = wrk.ensure_wrk()
    started = time.monotonic()
    print(f"bench: preparing the database (scale {plan.scale:g}) …", flush=True)
    db = prepare(plan.scale)
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(
            f"bench: WARNING the machine is busy (load average {load:.1f} on {os.cpu_count()}"
            " cores): figures will be low and noisy",
            flush=True,
        )
    services: dict[str, Service] = {}
    stack = ExitStack()
    try:
        print(f"bench: {db.summary()}", flush=True)
        settings = _settings(db)
        chosen = [w for w in WORKLOADS if not plan.only or w.id in plan.only]
        from bench.counting import count, missing_api

        skipped = missing_api(chosen, settings, db.tables)
        workloads = [w for w in chosen if w.id not in skipped]
        for wid, why in skipped.items():
            print(f"bench: {wid} {why}", flush=True)
        tokens = _tokens(db, settings, workloads)
        owner = asyncpg_dsn(db.owner_url)
        if any(w.then for w in workloads):
            asyncio.run(m1.reset(owner, db.dataset))
        print("bench: checking answers and counting SQL statements …", flush=True)
        counted, failed = asyncio.run(count(settings, db.dataset, workloads, tokens, db.app_dsn))
        for wid, why in failed.items():
            print(f"bench: {wid} {why}", flush=True)
        skipped.update(failed)
        workloads = [w for w in workloads if w.id not in failed]
        database = _server_database(plan, db, stack)
        services = _start_services(db, any(w.target == "floor" for w in workloads), database)
        idle_rss = services["atrium"].rss_mb()
        measured: list[Measured] = []
        scarce = None
        for w in workloads:
            service = services[w.target]
            lua = _lua(w, db, tokens[w.id])
            for c in plan.concurrency:
                print(f"bench: {w.id} at concurrency {c} …", flush=True)
                if w.then:
                    asyncio.run(m1.reset(owner, db.dataset))
                measured.append(measure(plan, wrk_bin, service, lua, w.id, c, 2 if w.then else 1))
            if w.then:
                print(f"bench: {w.id} on scarce stock …", flush=True)
                scarce = _m1_scarce(plan, wrk_bin, service, w, db, tokens[w.id])
        atrium_peak = max(
            (m.peak_rss_mb for m in measured if WORKLOADS_BY_ID[m.workload].target == "atrium"),
            default=None,
        )
        report = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "plan": asdict(plan),
            "machine": {**_machine(), "load_average_at_start": round(load, 2)},
            "database": {
                "scale": plan.scale,
                "rows": sum(db.loaded.values()),
                "tables": db.loaded,
                "not_yet_in_schema": db.skipped_sections,
                "seeded_now": db.seeded_now,
            },
            "server": {
                "idle_rss_mb": idle_rss,
                "peak_rss_mb": atrium_peak,
                "final_rss_mb": services["atrium"].rss_mb(),
            },
            "workloads": {
                w.id: {
                    "title": w.title,
                    "role": w.role,
                    "target": w.target,
                    "statements_per_request": counted[w.id].statements,
                    "answer": counted[w.id].answer,
                }
                for w in workloads
            },
            "skipped_workloads": skipped,
            "results": [asdict(m) for m in measured],
            "m1_scarce": scarce,
            "seconds": round(time.monotonic() - started, 1),
        }
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
        print_report(report)
        print(f"\nbench: wrote {RESULTS / 'latest.json'} in {report['seconds']}s")
    except KeyboardInterrupt:
        print("\nbench: interrupted; stopping everything it started", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        for s in services.values():
            s.stop()
        stack.close()
        db.close()


WORKLOADS_BY_ID = {w.id: w for w in WORKLOADS}


if __name__ == "__main__":
    main()
