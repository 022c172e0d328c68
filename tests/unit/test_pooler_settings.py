"""Which connection arguments each pooler setting gives (README "Through PgBouncer");
tests/api/test_pgbouncer.py runs them through a real PgBouncer."""

from __future__ import annotations

from api.database import connect_args, pooler
from api.settings import Settings

DIRECT = "postgresql+asyncpg://atrium_app@db/atrium"


def test_straight_to_postgresql_jit_is_off_and_statements_are_cached():
    args = connect_args(pooler(DIRECT, Settings()))
    assert args == {"server_settings": {"jit": "off", "application_name": "atrium"}}


def test_the_setting_or_the_url_turn_every_statement_cache_off():
    by_setting = pooler(DIRECT, Settings(db_pooler="pgbouncer"))
    by_url = pooler(f"{DIRECT}?prepared_statement_cache_size=0", Settings())
    assert by_setting == by_url == "pgbouncer"
    args = connect_args(by_url)
    assert args["statement_cache_size"] == args["prepared_statement_cache_size"] == 0
    assert args["prepared_statement_name_func"]() == ""  # unnamed: gone with the next
    assert "jit" not in args["server_settings"]  # PgBouncer refuses it


def test_pgbouncer_with_prepared_statements_keeps_the_caches():
    args = connect_args(pooler(DIRECT, Settings(db_pooler="pgbouncer-prepared")))
    assert args == {"server_settings": {"application_name": "atrium"}}
