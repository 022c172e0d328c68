"""One measurement: warm up, then timed wrk runs; requests/s, latency, CPU of the
server and of PostgreSQL per request, peak memory; medians over the repetitions."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench import wrk
from bench.database import PG_DIR
from bench.procs import PeakMemory, Service


@dataclass
class Measured:
    workload: str
    concurrency: int
    rps: float
    p50_ms: float | None  # None: no request completed in the window
    p99_ms: float | None
    cpu_ms_per_request: float | None
    db_cpu_ms_per_request: float | None
    peak_rss_mb: float
    errors: int
    runs: list[dict[str, Any]]


class DatabaseCpu:
    """CPU seconds of the embedded PostgreSQL's processes (None with DATABASE_URL)."""

    def __init__(self) -> None:
        self.postmaster: psutil.Process | None = None
        pid_file = PG_DIR / "postmaster.pid"
        if "DATABASE_URL" not in os.environ and pid_file.exists():
            try:
                self.postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
            except (ValueError, psutil.Error):
                self.postmaster = None

    def snapshot(self) -> dict[int, float]:
        if self.postmaster is None:
            return {}
        out = {}
        for p in [self.postmaster, *self.postmaster.children(recursive=True)]:
            try:
                t = p.cpu_times()
                out[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        return out

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _median(values: Any) -> Any:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def measure(
    plan: Any,
    wrk_bin: str,
    service: Service,
    lua: Path,
    workload: str,
    connections: int,
    per_unit: int = 1,
) -> Measured:
    """Warm up, then `repetitions` timed runs; medians. `per_unit`: HTTP requests per
    unit of work (M1: 2, create and confirm), so req/s counts units."""
    wrk.run(wrk_bin, service.url, lua, connections, plan.warmup)
    runs = []
    peak = 0.0
    database = DatabaseCpu()
    for _ in range(plan.repetitions):
        service.settle()
        cpu_before, db_before = service.cpu_seconds(), database.snapshot()
        with PeakMemory(service) as memory:
            r = wrk.run(wrk_bin, service.url, lua, connections, plan.seconds)
        cpu = service.cpu_seconds() - cpu_before  # steady state: CPU in the window / requests
        db_cpu = DatabaseCpu.spent(db_before, database.snapshot())
        peak = max(peak, memory.peak)
        units = r.requests / per_unit
        done = r.requests > 0  # none completed: the window was shorter than one request
        runs.append(
            {
                "rps": r.rps / per_unit,
                "p50_ms": r.p50_ms if done else None,
                "p99_ms": r.p99_ms if done else None,
                "requests": r.requests,
                "errors": r.errors + r.non_2xx,
                "cpu_ms_per_request": 1000 * cpu / units if done else None,
                "db_cpu_ms_per_request": (
                    1000 * db_cpu / units if done and database.postmaster else None
                ),
                "created": r.created,
                "confirmed": r.followed,
                "refused": r.refused,
            }
        )
    keys = ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request", "db_cpu_ms_per_request")
    med = {k: _median(run[k] for run in runs) for k in keys}
    return Measured(
        workload=workload,
        concurrency=connections,
        peak_rss_mb=peak,
        errors=sum(run["errors"] for run in runs),
        runs=runs,
        **med,
    )
