"""The isolation checks of test_isolation.py again, through PgBouncer in transaction
mode: each transaction (and each statement outside one) may land on any of its server
connections, so the wall must hold without a session of its own."""

from __future__ import annotations

import asyncpg
import pytest

from api.database import asyncpg_dsn
from tests.conftest import APP_ROLE

# collected here again, with this module's app_conn
from tests.integration.test_isolation import (  # noqa: F401
    test_foreign_key_into_another_tenant_is_refused,
    test_other_tenants_rows_are_invisible,
    test_other_tenants_rows_are_unwritable,
    test_platform_tenants_table,
    test_set_config_is_transaction_local,
    test_tenant_creation_function_validates_slug,
    test_without_a_tenant_every_tenant_table_is_empty,
)


@pytest.fixture
async def app_conn(pgbouncer, database):
    # no named prepared statements: a statement would outlive its server connection
    conn = await asyncpg.connect(
        asyncpg_dsn(pgbouncer.url(database.app_url)), statement_cache_size=0
    )
    assert await conn.fetchval("SELECT current_user") == APP_ROLE
    yield conn
    await conn.close()
