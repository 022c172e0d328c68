"""`atrium`: serve, migrate, demo, tenant, user and API client administration, tokens, schema."""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError

from api.cli_errors import Parser, Refused, one_line_mistakes
from api.database import DatabaseUrls, create_engine, resolve_urls
from api.settings import Settings


def _settings_for(urls: DatabaseUrls, settings: Settings) -> Settings:
    """Settings pinned to resolved URLs, so nothing starts the embedded server twice."""
    return settings.model_copy(update={"database_url": urls.owner, "app_database_url": urls.app})


def _migrate(urls: DatabaseUrls, settings: Settings) -> None:
    from migrations.runner import upgrade_head

    password = settings.app_db_password.get_secret_value() if settings.app_db_password else None
    upgrade_head(urls.owner, settings.app_db_role, password)


async def _demo(urls: DatabaseUrls, settings: Settings) -> None:
    from api.signing_keys import KeyStore
    from domain.demo import seed_demo

    engine = create_engine(urls.app, settings)
    try:
        users = await seed_demo(engine)
    finally:
        await engine.dispose()
    keys = KeyStore.of(settings)
    print("\nDemo users — paste a token into GraphiQL's headers as")
    print('  {"Authorization": "Bearer <token>"}\n')
    for user in users:
        token = keys.issue(settings, tenant_id=user.tenant_id, user_id=user.user_id)
        print(f"{user.tenant:7} {user.role:14} {user.email}\n  {token}\n")


# How `atrium serve` runs uvicorn. No `Server` banner (it names what to attack). The app
# itself reads X-Forwarded-For/-Proto from the proxies it trusts (ATRIUM_TRUSTED_PROXIES,
# api/app.py), so uvicorn must not rewrite the client before it.
UVICORN_OPTIONS: dict[str, Any] = {
    "log_config": None,
    "access_log": False,  # the app logs each request itself (api/observability/requests.py)
    "proxy_headers": False,
    "server_header": False,
    "timeout_graceful_shutdown": 20,
}


def serve_options(settings: Settings) -> dict[str, Any]:
    """UVICORN_OPTIONS, and keep-alive longer than a load balancer's idle timeout: when
    the server closed first, the balancer could send the next request down a dead
    connection (a 502)."""
    return {**UVICORN_OPTIONS, "timeout_keep_alive": settings.keepalive_seconds}


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from api.app import create_app
    from api.logs import configure_logging

    if threading.current_thread() is threading.main_thread():  # as uvicorn: only it gets signals
        signal.signal(signal.SIGTERM, _stop)
    urls = resolve_urls(settings)
    if not args.no_migrate and _owns_the_database(settings):
        _migrate(urls, settings)
    if args.demo:
        asyncio.run(_demo(urls, settings))
    settings = _settings_for(urls, settings)
    host = args.host or settings.host
    port = args.port or settings.port
    configure_logging(settings.log_level)
    if settings.introspection:
        print(f"GraphiQL: http://{host}:{port}/graphql", flush=True)
    app = create_app(settings)
    _tune_gc()
    ping = settings.subscriptions_ping_seconds  # websockets: unanswered pings close them
    uvicorn.run(
        app,
        host=host,
        port=port,
        ws_ping_interval=ping,
        ws_ping_timeout=ping,
        **serve_options(settings),
    )


def _owns_the_database(settings: Settings) -> bool:
    """Whether serve may migrate: not when it was given only the app role's URL (the
    migrations then are `atrium migrate`'s, a step of their own)."""
    return bool(settings.database_url) or not settings.app_database_url


def _stop(signum: int, frame: object) -> None:
    """SIGTERM stops the server as Ctrl-C does. uvicorn drains the requests in flight,
    then raises the signal it caught once more; by default SIGTERM would then kill the
    process before its exit handlers stop the embedded PostgreSQL (SIGINT's
    KeyboardInterrupt runs them). Before uvicorn listens, it ends start-up the same way."""
    raise SystemExit(0)


def _tune_gc() -> None:
    """A request allocates thousands of short-lived objects; with 16 in flight the
    default gen-0 threshold (700) ran collections that kept re-scanning live ones,
    ~25% of CPU per request at concurrency 16 (in-process, Q1-50). Freeze what start-up
    built (schema, modules) out of the collector and collect young objects less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    """With ATRIUM_MIGRATE_DATABASE_URL, migrations run as that owner, and the serving
    process needs only the app role's URL."""
    if settings.migrate_database_url:
        settings = settings.model_copy(update={"database_url": settings.migrate_database_url})
    _migrate(resolve_urls(settings), settings)
    print("database is at the newest revision")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    urls = resolve_urls(settings)
    _migrate(urls, settings)
    asyncio.run(_demo(urls, settings))


async def _tenant_create(settings: Settings, slug: str, name: str, admin_email: str) -> None:
    from domain.tenancy import provision_tenant

    engine = create_engine(settings.app_database_url or "", settings)
    try:
        async with engine.begin() as conn:
            tenant = await provision_tenant(conn, slug=slug, name=name, admin_email=admin_email)
    finally:
        await engine.dispose()
    print(f"tenant {slug} created: id {tenant.id}, admin {admin_email}")


def cmd_tenant_create(args: argparse.Namespace, settings: Settings) -> None:
    asyncio.run(_tenant_create(settings, args.slug, args.name, args.admin_email))


async def _in_tenant(settings: Settings, slug: str):  # type: ignore[no-untyped-def]
    from tenants.provisioning import tenant_id_by_slug
    from tenants.session import bind_tenant

    engine = create_engine(settings.app_database_url or "", settings)
    conn = await engine.connect()
    await conn.begin()
    tenant_id = await tenant_id_by_slug(conn, slug)
    if tenant_id is None:
        await conn.close()
        await engine.dispose()
        raise Refused(f"no tenant {slug!r}")
    await bind_tenant(conn, tenant_id)
    return engine, conn, tenant_id


async def _user_create(
    settings: Settings, slug: str, email: str, name: str, role: str, subject: str | None = None
) -> None:
    from domain.tenancy import add_user

    engine, conn, tenant_id = await _in_tenant(settings, slug)
    try:
        user_id = await add_user(
            conn, tenant_id, email=email, name=name, role_key=role, external_subject=subject
        )
        await conn.commit()
    finally:
        await conn.close()
        await engine.dispose()
    print(f"user {email} created in {slug}: id {user_id}, role {role}")


def cmd_user_create(args: argparse.Namespace, settings: Settings) -> None:
    name = args.name or args.email
    asyncio.run(
        _user_create(settings, args.tenant, args.email, name, args.role, args.external_subject)
    )


async def _client_create(settings: Settings, slug: str, name: str, role: str) -> None:
    from domain.admin.api_clients import issue_client
    from tenants.provisioning import role_id_by_key

    if not name.strip():
        raise Refused("--name must not be empty")
    engine, conn, tenant_id = await _in_tenant(settings, slug)
    try:
        role_id = await role_id_by_key(conn, role)
        if role_id is None:
            raise Refused(f"no role {role!r} in tenant {slug!r}")
        # the operator is trusted with any role, as `atrium user create` is
        issued = await issue_client(conn, tenant_id, name.strip(), role_id, created_by=None)
        await conn.commit()
    finally:
        await conn.close()
        await engine.dispose()
    print(f"API client {name!r} created in {slug} with role {role}; the secret is shown once:")
    print(f"client_id     {issued.client.client_id}\nclient_secret {issued.client_secret}")


def cmd_client_create(args: argparse.Namespace, settings: Settings) -> None:
    asyncio.run(_client_create(settings, args.tenant, args.name, args.role))


async def _token(settings: Settings, slug: str, email: str, ttl: int | None) -> str:
    from api.signing_keys import KeyStore
    from tenants.provisioning import user_id_by_email

    if ttl is not None and ttl <= 0:
        raise Refused("--ttl must be a number of seconds greater than zero")
    engine, conn, tenant_id = await _in_tenant(settings, slug)
    try:
        user_id = await user_id_by_email(conn, email)
    finally:
        await conn.close()
        await engine.dispose()
    if user_id is None:
        raise Refused(f"no user {email!r} in tenant {slug!r}")
    return KeyStore.of(settings).issue(settings, tenant_id=tenant_id, user_id=user_id, ttl=ttl)


def cmd_token(args: argparse.Namespace, settings: Settings) -> None:
    print(asyncio.run(_token(settings, args.tenant, args.user, args.ttl)))


def _operations_in(settings: Settings, files: list[str]) -> list[tuple[str, str]]:
    """(name, document) of every operation of the files, each validated."""
    from pathlib import Path

    from api.persisted import InvalidOperations, checked, manifest_operations, operations_of
    from api.schema import build_schema

    schema = build_schema(settings)
    operations: list[tuple[str, str]] = []
    for file in files:
        read = manifest_operations if file.endswith(".json") else operations_of
        try:
            operations += checked(schema, read(Path(file).read_text()))
        except (InvalidOperations, GraphQLError, OSError, ValueError, KeyError) as exc:
            raise SystemExit(f"{file}: {exc}") from None
    return operations


async def _persisted_add(settings: Settings, operations: list[tuple[str, str]]) -> list[str]:
    """Register the documents; their hashes, in order."""
    from domain.persisted_operations import register

    engine = create_engine(settings.app_database_url or "", settings)
    try:
        async with engine.begin() as conn:
            return [await register(conn, body) for _, body in operations]
    finally:
        await engine.dispose()


def cmd_persisted_add(args: argparse.Namespace, settings: Settings) -> None:
    operations = _operations_in(settings, args.files)
    hashes = asyncio.run(_persisted_add(settings, operations))
    for sha, (name, _) in zip(hashes, operations, strict=True):
        print(f"{sha}  {name}")


def cmd_schema(args: argparse.Namespace, settings: Settings) -> None:
    from api.schema import sdl

    sys.stdout.write(sdl())


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="atrium", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="migrate and serve GraphQL (GraphiQL in development)")
    serve.add_argument("--demo", action="store_true", help="seed the demo tenants and print tokens")
    serve.add_argument("--no-migrate", action="store_true", help="skip migrations")
    serve.add_argument("--host", help="address to listen on (default ATRIUM_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default ATRIUM_PORT, 8000)")
    serve.set_defaults(run=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    sub.add_parser("demo", help="migrate, seed the demo tenants, print tokens").set_defaults(
        run=cmd_demo
    )

    tenant = sub.add_parser("tenant", help="tenant administration").add_subparsers(
        dest="action", required=True
    )
    create = tenant.add_parser("create", help="create a tenant with its first admin")
    create.add_argument(
        "--slug", required=True, help="the tenant's short name: lowercase letters, digits, -"
    )
    create.add_argument("--name", required=True, help="the tenant's display name")
    create.add_argument("--admin-email", required=True, help="email of its first tenant_admin")
    create.set_defaults(run=cmd_tenant_create)

    user = sub.add_parser("user", help="user administration").add_subparsers(
        dest="action", required=True
    )
    ucreate = user.add_parser("create", help="create a user in a tenant")
    ucreate.add_argument("--tenant", required=True, help="tenant slug")
    ucreate.add_argument("--email", required=True, help="the user's email, unique in the tenant")
    ucreate.add_argument("--name", help="display name (default: the email)")
    ucreate.add_argument("--role", default="sales_rep", help="role key (default sales_rep)")
    ucreate.add_argument(
        "--external-subject",
        help="the user's subject id at the OIDC identity provider (its `sub` claim)",
    )
    ucreate.set_defaults(run=cmd_user_create)

    api_client = sub.add_parser("client", help="partner API clients").add_subparsers(
        dest="action", required=True
    )
    ccreate = api_client.add_parser(
        "create", help="create an API client (OAuth2 client credentials) in a tenant"
    )
    ccreate.add_argument("--tenant", required=True, help="tenant slug")
    ccreate.add_argument("--name", required=True, help="what the client is, e.g. Shop sync")
    ccreate.add_argument("--role", required=True, help="role key (built-in or custom)")
    ccreate.set_defaults(run=cmd_client_create)

    token = sub.add_parser("token", help="print a development token for a user")
    token.add_argument("--tenant", required=True, help="tenant slug")
    token.add_argument("--user", required=True, help="user email")
    token.add_argument("--ttl", type=int, help="lifetime in seconds")
    token.set_defaults(run=cmd_token)

    persisted = sub.add_parser("persisted", help="persisted operations").add_subparsers(
        dest="action", required=True
    )
    padd = persisted.add_parser(
        "add", help="register the operations of .graphql files (or Apollo manifests, .json)"
    )
    padd.add_argument(
        "files", nargs="+", metavar="FILE", help=".graphql files or Apollo manifests (.json)"
    )
    padd.set_defaults(run=cmd_persisted_add)

    sub.add_parser("schema", help="print the GraphQL SDL").set_defaults(run=cmd_schema)
    _operations_commands(sub)
    return p


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> None:
    from api.signing_keys import rotate

    key = rotate(settings)
    print(f"new signing key {key.kid} in {settings.keys_path}; the previous ones still verify")


def cmd_keys_retire(args: argparse.Namespace, settings: Settings) -> None:
    from api.signing_keys import retire

    retired = retire(settings)
    print(f"retired {len(retired)} key(s): {' '.join(k.kid for k in retired) or '-'}")


def cmd_keys_list(args: argparse.Namespace, settings: Settings) -> None:
    from api.signing_keys import KeyStore

    keys = KeyStore.of(settings)
    verifying = {key.kid for key in keys.verifying()}
    for key in keys.directory_keys():
        state = (
            "signs" if key.kid == keys.kid else "verifies" if key.kid in verifying else "retired"
        )
        print(f"{key.kid}  {key.created.isoformat()}  {state}")


def cmd_healthcheck(args: argparse.Namespace, settings: Settings) -> None:
    """For a container's HEALTHCHECK (exec form: no shell in between)."""
    import urllib.request

    url = f"http://127.0.0.1:{settings.port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as response:
            healthy = response.status == 200
    except OSError:
        healthy = False
    raise SystemExit(0 if healthy else 1)


def _operations_commands(sub: Any) -> None:
    keys = sub.add_parser("keys", help="the local token signing keys").add_subparsers(
        dest="action", required=True
    )
    keys.add_parser(
        "rotate", help="add a new signing key; the previous ones keep verifying until retired"
    ).set_defaults(run=cmd_keys_rotate)
    keys.add_parser(
        "retire", help="delete every key but the newest (tokens they signed stop verifying)"
    ).set_defaults(run=cmd_keys_retire)
    keys.add_parser("list", help="list the keys and what each does").set_defaults(run=cmd_keys_list)
    health = sub.add_parser("healthcheck", help="exit 0 when the local server answers /healthz")
    health.add_argument("--timeout", type=float, default=3.0, help="seconds to wait (default 3)")
    health.set_defaults(run=cmd_healthcheck)


def _resolved(settings: Settings) -> Settings:
    """Start the embedded server (if needed) before any event loop runs."""
    return _settings_for(resolve_urls(settings), settings)


def main(argv: Sequence[str] | None = None) -> None:
    """Run a command; a mistake is one line on stderr and a non-zero exit (api/cli_errors)."""
    args = parser().parse_args(argv)
    with one_line_mistakes():
        settings = Settings()
        if args.run in (
            cmd_tenant_create,
            cmd_user_create,
            cmd_client_create,
            cmd_token,
            cmd_persisted_add,
        ):
            settings = _resolved(settings)
        args.run(args, settings)


if __name__ == "__main__":
    main()
