"""POST /oauth/token: the OAuth2 client credentials grant for partner API clients.

authlib's AuthorizationServer and ClientCredentialsGrant do the protocol: client
authentication (HTTP Basic or form fields), grant checks, RFC 6749 §5.2 errors. They
are synchronous, so the one database read happens first: the client id names its
tenant (tenants/api_clients.py), the client row is read in a transaction bound to
that tenant, and a server made for this request answers `query_client` from it.

Every way of failing authentication (unknown client, another tenant's, revoked,
wrong secret) gets the same `invalid_client` answer: an unknown client id is
handed to authlib as a client whose secret never matches. Requests and failures are
limited per client address and client id (`TokenBudgets`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidClientError,
    InvalidRequestError,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from starlette.requests import Request
from starlette.responses import Response

from api.core.context import AppState
from api.ratelimit import Budget, address_key
from tenants.api_clients import ActiveClient, active_client, secret_matches, tenant_of
from tenants.session import tenant_transaction

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Client(ClientMixin):  # type: ignore[misc]  # authlib has no type hints
    """The client a request named; `found` is None when no active client has that id."""

    client_id: str
    found: ActiveClient | None

    def get_client_id(self) -> str:
        return self.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return secret_matches(client_secret, self.found.secret_hash if self.found else None)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str) -> str:
        return ""  # a client's reach is its role, not scopes


class Grant(ClientCredentialsGrant):  # type: ignore[misc]  # authlib has no type hints
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class FormRequest(OAuth2Request):  # type: ignore[misc]  # authlib has no type hints
    def __init__(self, uri: str, headers: dict[str, str], form: dict[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def form(self) -> dict[str, str]:
        return self._form


class TokenServer(AuthorizationServer):  # type: ignore[misc]  # authlib has no type hints
    """Built per request around the one client it may be asked about."""

    def __init__(self, state: AppState, client: Client | None) -> None:
        super().__init__()
        self.client_refused = False  # set when authlib refused the client's credentials
        self._client = client
        self._state = state
        self.register_grant(Grant)
        self.register_token_generator("client_credentials", self._token)

    def query_client(self, client_id: str) -> Client | None:
        if self._client is not None and self._client.client_id == client_id:
            return self._client
        return Client(client_id, None)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Tokens are self-contained JWTs; revocation works through the user lookup."""

    def _token(self, *, client: Client, **_: Any) -> dict[str, Any]:
        assert client.found is not None  # authlib issues only after the secret matched
        settings = self._state.settings
        ttl = settings.client_token_ttl_seconds
        token = self._state.keys.issue(
            settings,
            tenant_id=client.found.tenant_id,
            user_id=client.found.user_id,
            ttl=ttl,
            client_id=client.client_id,
        )
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners: logging and metrics happen around the endpoint."""

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_error_response(self, request: Any, error: OAuth2Error) -> Response:
        self.client_refused = isinstance(error, InvalidClientError)
        return super().handle_error_response(request, error)  # type: ignore[no-any-return]

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        return Response(
            orjson.dumps(body),
            status_code=status,
            headers=dict(headers),
            media_type="application/json",
        )


def _form(body: bytes) -> dict[str, str]:
    """The form fields; RFC 6749 §3.2 allows each parameter once."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise InvalidRequestError("The body is not UTF-8.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise InvalidRequestError(f"Parameter {key} is repeated.")
        form[key] = value
    return form


def _claimed_client_id(headers: dict[str, str], form: dict[str, str]) -> str | None:
    basic_id, _ = extract_basic_authorization(headers)
    if basic_id and form.get("client_secret"):
        raise InvalidRequestError("Authenticate the client one way: HTTP Basic or the form.")
    return basic_id or form.get("client_id") or None


async def _load_client(state: AppState, client_id: str | None) -> Client | None:
    if not client_id:
        return None
    tenant_id = tenant_of(client_id)
    if tenant_id is None:
        return Client(client_id, None)
    async with tenant_transaction(state.engine, tenant_id, readonly=True) as conn:
        return Client(client_id, await active_client(conn, tenant_id, client_id))


@dataclass(frozen=True)
class TokenBudgets:
    """Every request spends from its address's and its client id's `requests`; a failed
    client authentication spends from its address's `failures`, and an address whose
    failures are spent is refused before anything else is looked at. A client id has no
    failure budget: anyone who knows an id could spend it and lock its partner out,
    while its secret (256 random bits) is beyond guessing at the request limit."""

    requests: Budget
    failures: Budget


def token_endpoint(budgets: TokenBudgets) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        address = address_key(request.scope)
        refused = await budgets.failures.spent(address) or await budgets.requests.spend(address)
        if refused is not None:
            return refused
        return await _token_response(request, budgets)

    return endpoint


async def _token_response(request: Request, budgets: TokenBudgets) -> Response:
    state: AppState = request.app.state.atrium
    server = TokenServer(state, None)
    headers = {k.title(): v for k, v in request.headers.items()}
    try:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != FORM:
            raise InvalidRequestError(f"Send the parameters as {FORM}.")
        form = _form(await request.body())
        if not form.get("grant_type"):
            raise InvalidRequestError("Missing grant_type.")
        oauth_request = FormRequest(str(request.url), headers, form)
        client_id = _claimed_client_id(headers, form)
        if client_id and tenant_of(client_id) is not None:  # ill-formed ids name no one
            refused = await budgets.requests.spend(f"client:{client_id}")
            if refused is not None:
                return refused
        server = TokenServer(state, await _load_client(state, client_id))
    except OAuth2Error as error:  # also authlib's refusal of plain http to a remote host
        return server.handle_error_response(None, error)
    response: Response = server.create_token_response(oauth_request)
    if server.client_refused:
        await budgets.failures.spend(address_key(request.scope))
    return response
