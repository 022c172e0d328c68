"""Load the deterministic bench data set into a migrated database.

    python -m bench.seed --scale 1          # into the bench database (starts it if needed)

Rows go in with COPY into an unlogged staging table, then one INSERT … SELECT per
tenant with `app.tenant_id` set, because RLS is forced even for the owner (and
PostgreSQL refuses COPY FROM into a table under RLS). The audit triggers are
disabled for the load: bench rows are data, not user actions.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import asyncpg

from bench.data import Dataset, sections

HERE = Path(__file__).resolve().parent


def fingerprint(scale: float) -> str:
    """Changes whenever the generator's code, the scale or the migrations change."""
    digest = hashlib.sha256(f"{scale}".encode())
    paths = sorted(HERE.glob("*.py")) + sorted((HERE.parent / "migrations").rglob("*.py"))
    for path in paths:
        if path.parent != HERE or path.name in GENERATOR:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


GENERATOR = {"data.py", "sections.py", "seed.py", "gen_crm.py", "gen_back_office.py", "gen_hr.py"}


async def existing_tables(conn: asyncpg.Connection) -> dict[str, set[str]]:
    """table -> its columns, for every table of the schema."""
    rows = await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    )
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["table_name"], set()).add(r["column_name"])
    return out


def loadable(ds: Dataset, tables: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """(tables to load in order, sections skipped because the schema lacks their tables
    or columns: that area has not landed yet, or changed since the generator was written)."""
    order: list[str] = []
    skipped: list[str] = []
    for section in sections():
        ok = not set(section.needs) & set(skipped) and all(
            t in tables and (t not in ds.tables or set(ds.tables[t].columns) <= tables[t])
            for t in section.tables
        )
        if ok:
            order.extend(t for t in section.tables if t in ds.tables)
        else:
            skipped.append(section.name)
    return order, skipped


async def _load_table(conn: asyncpg.Connection, ds: Dataset, name: str) -> None:
    table = ds.tables[name]
    cols = ", ".join(table.columns)
    stage = f"bench_stage_{name}"
    await conn.execute(
        f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {cols} FROM {name} WITH NO DATA"
    )
    await conn.copy_records_to_table(stage, records=table.rows, columns=list(table.columns))
    if "tenant_id" not in table.columns:  # the platform registry: the owner's own policy
        await conn.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {stage}")
        return
    for tenant in ds.tenants:
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        await conn.execute(
            f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {stage} WHERE tenant_id = $1",
            tenant.id,
        )


async def load(dsn: str, ds: Dataset) -> dict[str, int]:
    """Load every section whose tables exist. Returns rows loaded per table."""
    conn = await asyncpg.connect(dsn)
    try:
        order, _ = loadable(ds, await existing_tables(conn))
        async with conn.transaction():
            for name in order:
                await conn.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
            for name in order:
                await _load_table(conn, ds, name)
            for name in order:
                await conn.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")
        for name in order:
            await conn.execute(f"VACUUM (ANALYZE) {name}")
        return {name: len(ds.tables[name].rows) for name in order}
    finally:
        await conn.close()


def main() -> None:
    from bench.database import prepare

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--force", action="store_true", help="reload even when already seeded")
    args = p.parse_args()
    started = time.monotonic()
    db = prepare(args.scale, force=args.force)
    print(f"bench database ready in {time.monotonic() - started:.1f}s: {db.summary()}")
    db.close()


if __name__ == "__main__":
    main()
