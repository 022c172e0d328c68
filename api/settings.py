"""Settings come from the environment (prefix ATRIUM_, plus the conventional DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.cross_origin import check_credentials, parse_origins


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATRIUM_", extra="ignore")

    env: Literal["development", "production"] = "development"

    # Owner connection: runs migrations and provisioning of database roles. When unset,
    # an embedded PostgreSQL is started under data_dir.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "ATRIUM_DATABASE_URL")
    )
    # The server's own connection, as the non-owner app role. Derived from database_url
    # (same host and database, user app_db_role) when unset.
    app_database_url: str | None = None
    # The owner URL `atrium migrate` uses, when it is not DATABASE_URL (so a serving
    # container may be given the app role's URL only).
    migrate_database_url: str | None = None
    app_db_role: str = "atrium_app"
    app_db_password: SecretStr | None = None
    db_pool_size: int = 10
    # What stands between the server and PostgreSQL (README "Through PgBouncer"):
    # "pgbouncer" (transaction pooling, any version) names no prepared statement;
    # "pgbouncer-prepared" is PgBouncer >= 1.21 with max_prepared_statements, which
    # keeps the statement caches. A URL with prepared_statement_cache_size=0 means
    # "pgbouncer" too.
    db_pooler: Literal["none", "pgbouncer", "pgbouncer-prepared"] = "none"
    db_max_overflow: int = 10

    data_dir: Path = Path(".atrium")
    host: str = "127.0.0.1"
    port: int = 8000
    # How long uvicorn keeps an idle client connection open: longer than a load
    # balancer's idle timeout (commonly 60 s), so the balancer, not the server, closes it.
    keepalive_seconds: int = Field(default=75, gt=0)

    # Tokens. Locally issued tokens are signed with the newest key of keys_dir (default
    # data_dir/keys; api/signing_keys.py): a key replaced by `atrium keys rotate` still
    # verifies until its successor is retire_after old.
    jwt_issuer: str = "atrium"
    jwt_audience: str = "atrium-api"
    keys_dir: Path | None = None
    keys_retire_after_seconds: int = Field(default=86_400, gt=0)
    # The JWKS of the OIDC identity provider (below); found by discovery when unset.
    jwks_url: str | None = None
    jwt_leeway_seconds: int = 30
    # The claim naming the tenant: its id in local tokens, its id or slug in the OIDC
    # provider's.
    tenant_claim: str = "tid"
    # An external OIDC identity provider (README "Signing in with an OIDC provider",
    # api/oidc.py): tokens whose `iss` is oidc_issuer, for oidc_audience (default
    # jwt_audience), name their user by the subject claim (users.external_subject).
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_subject_claim: str = "sub"
    # Link a user without a subject by the token's email on first login, when the
    # provider says `email_verified`: only for a provider whose emails you trust.
    oidc_match_verified_email: bool = False
    # The provider's keys are fetched again after max_age, and when a token names a key
    # not among them, but not twice within min_refetch.
    oidc_jwks_max_age_seconds: float = Field(default=300, gt=0)
    oidc_jwks_min_refetch_seconds: float = Field(default=30, ge=0)
    token_ttl_seconds: int = 8 * 3600
    # Partner API clients' tokens (/oauth/token) are short-lived: a client asks again.
    client_token_ttl_seconds: int = 900
    max_token_request_bytes: int = 16_384

    # Request limits.
    max_body_bytes: int = 1_000_000
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    max_query_cost: int = 50_000  # see api/cost.py
    # What a filter adds to a document's cost, per object its list is read for
    # (api/cost.py): a text search, any other condition.
    search_cost: int = 5_000
    filter_condition_cost: int = 10
    # Time limits of every transaction, in milliseconds (api/timeouts.py): a statement
    # (a named report's statements get the longer one), and a transaction idle between
    # its statements. PostgreSQL enforces them; an exceeded one answers TIMEOUT.
    statement_timeout_ms: int = Field(default=5_000, gt=0)
    report_statement_timeout_ms: int = Field(default=30_000, gt=0)
    idle_in_transaction_timeout_ms: int = Field(default=15_000, gt=0)
    default_page_size: int = 50
    max_page_size: int = 200
    # Requests per caller (token user, else client address) to /graphql; every limit
    # must hold ("" turns limiting off). See api/ratelimit.py.
    rate_limit: str = "50/second;1500/minute"
    rate_limit_storage: str = "async+memory://"
    # /oauth/token (api/oauth.py): requests per client address and per client id; failed
    # client authentications per client address, every limit holding, so the wait after
    # failures grows (a minute, then an hour, then a day). "" turns either off.
    token_rate_limit: str = "5/second;60/minute"
    token_failure_limit: str = "5/minute;20/hour;100/day"
    # Peers whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or
    # networks, comma-separated ("*" any peer, "" none). The client address they give
    # keys the rate limits; the scheme tells OAuth2 that TLS ended at the proxy.
    trusted_proxies: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("ATRIUM_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"),
    )

    # Webhooks (README "Webhooks"): the background sender, how often it looks for due
    # deliveries, how long a partner may take to answer. Private targets (loopback,
    # private networks, plain http) are for development and tests only.
    webhooks_dispatch: bool = True
    webhooks_poll_seconds: float = 5.0
    webhooks_timeout_seconds: float = 5.0
    webhooks_allow_private_targets: bool = False

    # Idempotency-Key (api/idempotency.py): how long a mutation's answer is kept for
    # its retries. Persisted operations (api/persisted.py): with persisted_only, only
    # the registered documents (`atrium persisted add`) run, and clients send hashes.
    idempotency_ttl_seconds: int = Field(default=86_400, gt=0)
    persisted_only: bool = False
    # Subscriptions (README "Live updates"): subscriptions per websocket, websockets per
    # tenant (per process), changes a subscriber may fall behind before it is dropped,
    # how often activityDue looks for activities that fell due, the websocket ping.
    subscriptions_per_socket: int = Field(default=20, gt=0)
    subscriptions_max_sockets_per_tenant: int = Field(default=200, gt=0)
    subscriptions_backlog: int = Field(default=100, gt=0)
    subscriptions_due_check_seconds: float = Field(default=30.0, gt=0)
    subscriptions_ping_seconds: float = Field(default=20.0, gt=0)
    # Browsers on other origins (api/cross_origin.py, README "Browser apps on another
    # origin"): exact origins, comma-separated, or "*" ("" sends no CORS headers).
    # Credentials (cookies) are never needed for bearer tokens; "*" refuses them.
    cors_origins: str = ""
    cors_allow_credentials: bool = False
    cors_max_age_seconds: int = Field(default=600, ge=0)
    # zstd, br or gzip answers of at least this many bytes (api/compression.py)
    compression: bool = True
    compress_min_bytes: int = Field(default=1024, ge=0)

    log_level: str = "INFO"

    # Observability (README "Observability"). /metrics answers only a scraper sending
    # `Authorization: Bearer <metrics_token>`; unset, it is off (404). Operation names
    # beyond the first metrics_max_operations seen are counted as "(other)".
    metrics_token: SecretStr | None = None
    metrics_max_operations: int = Field(default=200, ge=0)
    # OpenTelemetry traces over OTLP (api/observability/tracing.py): unset, they are on
    # when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set; false turns them off.
    otel_enabled: bool | None = None

    # Answer the root fields the read planner covers with one SQL statement each
    # (api/compiled); off, every field runs through its resolver (the reference path).
    compiled_reads: bool = True

    @model_validator(mode="after")
    def _cors_is_safe(self) -> Settings:
        check_credentials(parse_origins(self.cors_origins), self.cors_allow_credentials)
        return self

    @model_validator(mode="after")
    def _oidc_needs_an_issuer(self) -> Settings:
        if self.jwks_url and not self.oidc_issuer:
            raise ValueError("ATRIUM_JWKS_URL is the OIDC provider's: set ATRIUM_OIDC_ISSUER too")
        return self

    @property
    def keys_path(self) -> Path:
        return self.keys_dir or self.data_dir / "keys"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def introspection(self) -> bool:
        return not self.production
