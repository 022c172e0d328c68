"""A PgBouncer of our own in transaction mode, in front of a PostgreSQL, on a free port:
for `make bench BENCH_POOLER=pgbouncer` and the tests through PgBouncer.

Debian's `pgbouncer` binary with an ini in a temporary directory: the package's own
service is never needed. PgBouncer refuses to run as root, so as root it runs as the
owner of the server's socket directory (the embedded server's user), which can reach
the socket, or as nobody for a server on TCP.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.procs import free_port

BINARY = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")


@dataclass(frozen=True)
class PgBouncer:
    port: int

    def url(self, sqlalchemy_url: str) -> str:
        """`sqlalchemy_url` (same user and database) through this PgBouncer."""
        url = make_url(sqlalchemy_url)
        query = {k: v for k, v in url.query.items() if k != "host"}
        return url.set(host="127.0.0.1", port=self.port, query=query).render_as_string(
            hide_password=False
        )


def _ini(server_url: str, port: int, workdir: Path, users: tuple[str, ...], pool: int) -> str:
    url = make_url(server_url)
    socket_dir = url.query.get("host")
    host = socket_dir if isinstance(socket_dir, str) else (url.host or "127.0.0.1")
    run_as = ""
    if os.geteuid() == 0:
        owner = Path(host).owner() if socket_dir else "nobody"
        run_as = f"user = {owner}\n"
    (workdir / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users))
    return (
        "[databases]\n"
        # as README "Through PgBouncer" advises: JIT off for every server connection
        f"* = host={host} port={url.port or 5432} connect_query='SET jit = off'\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {workdir / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool}\nmax_client_conn = 500\n"
        f"{run_as}"
    )


@contextmanager
def running_pgbouncer(
    server_url: str, workdir: Path, users: tuple[str, ...], *, pool: int = 2
) -> Iterator[PgBouncer]:
    """PgBouncer for `users` in front of the server of `server_url` (a SQLAlchemy URL,
    TCP or a socket directory in `?host=`), `pool` server connections per user and
    database, stopped on exit."""
    if BINARY is None:
        raise FileNotFoundError("pgbouncer is not installed")
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)  # readable by the user PgBouncer switches to
    port = free_port()
    ini = workdir / "pgbouncer.ini"
    ini.write_text(_ini(server_url, port, workdir, users, pool))
    log_path = workdir / "pgbouncer.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([BINARY, str(ini)], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_listening(proc, port, log_path)
        yield PgBouncer(port)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_listening(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"pgbouncer exited: {log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"pgbouncer is not listening after 10 s: {log_path.read_text()}")
