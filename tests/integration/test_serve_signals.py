"""`atrium serve` as a process manager runs it: on its embedded PostgreSQL, stopped by
SIGTERM (systemd, Docker) or SIGINT (Ctrl-C). Either drains and exits 0, and leaves no
PostgreSQL of its data directory running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from bench.procs import free_port

ATRIUM = Path(sys.executable).with_name("atrium")


def _postmaster(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    except FileNotFoundError:
        return None


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One data directory for both signals: the second start finds it initialised."""
    path = tmp_path_factory.mktemp("serve")
    yield path
    left = _postmaster(path)
    if left is not None and psutil.pid_exists(left):
        os.kill(left, signal.SIGINT)  # a failed test must not leave it running either


def _serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env |= {
        "ATRIUM_DATA_DIR": str(data_dir),
        "ATRIUM_WEBHOOKS_DISPATCH": "false",
        "ATRIUM_LOG_LEVEL": "WARNING",
    }
    port = free_port()
    with (data_dir / "serve.log").open("ab") as log:
        proc = subprocess.Popen(
            [str(ATRIUM), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    return proc, f"http://127.0.0.1:{port}"


def _outlives(pid: int) -> bool:
    """Whether `pid` is still there once it had time to exit: pg_ctl stop returns when
    postmaster.pid is gone, a moment before the process is."""
    try:
        psutil.Process(pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        return False
    except psutil.TimeoutExpired:
        return True
    return False


def _wait_ready(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 120  # the first start runs initdb and the migrations
    while time.monotonic() < deadline:
        assert proc.poll() is None, "atrium serve exited during start-up"
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("atrium serve was not ready within 120 s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_signal_stops_the_server_and_its_embedded_postgresql(data_dir, signum):
    proc, url = _serve(data_dir)
    try:
        _wait_ready(proc, url)
        postmaster = _postmaster(data_dir)
        assert postmaster is not None and psutil.pid_exists(postmaster)
        proc.send_signal(signum)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _postmaster(data_dir) is None, "postmaster.pid is left"
    assert not _outlives(postmaster), "PostgreSQL is still running"
