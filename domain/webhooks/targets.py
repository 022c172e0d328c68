"""Where a webhook may point: the SSRF guard.

A webhook makes our server send requests to an address a tenant admin chose, so that
address must never be our own network: https only, and no loopback, private,
link-local, multicast, reserved or unspecified address — checked on the URL when it is
saved (IP literals, `localhost`) and on every address the host resolves to when a
delivery is sent (a name may resolve anywhere, and may change: the dispatcher then connects to the
address it checked, so a second lookup cannot rebind the name). `allow_private`
(setting `webhooks_allow_private_targets`) lifts both rules for development and tests.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from domain.errors import DomainError, ErrorCode

MAX_URL_LENGTH = 2000

# host -> its addresses; the dispatcher's default asks the system resolver
Resolver = Callable[[str], Awaitable[list[str]]]


class RefusedTarget(Exception):
    """The target is not a public address; the delivery is not sent."""


def _bad(message: str) -> DomainError:
    return DomainError(message, field="url", code=ErrorCode.BAD_USER_INPUT)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, stripped, or a BAD_USER_INPUT error on `url`."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise _bad(f"Give a URL of at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise _bad("Not a valid URL.") from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise _bad("A webhook URL must use https.")
    host = parts.hostname
    if not host:
        raise _bad("The URL needs a host.")
    if parts.username or parts.password:
        raise _bad("Put no credentials in the URL; verify our signature instead.")
    if not allow_private:
        literal = _ip_literal(host)
        if host == "localhost" or host.endswith(".localhost"):
            raise _bad("A webhook may not point at this server's own network.")
        if literal is not None and not _is_public(literal):
            raise _bad("A webhook may not point at a private or reserved address.")
    return url


async def system_resolver(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


async def check_target(url: str, *, allow_private: bool, resolve: Resolver) -> str | None:
    """The address to connect to, once every address of the URL's host proved public
    (RefusedTarget otherwise); None when private targets are allowed (nothing to pin)."""
    if allow_private:
        return None
    host = urlsplit(url).hostname or ""
    literal = _ip_literal(host)
    try:
        addresses = [literal] if literal else await resolve(host)
    except OSError as exc:
        raise RefusedTarget(f"cannot resolve {host}: {exc}") from None
    if not addresses:
        raise RefusedTarget(f"{host} has no address")
    for address in addresses:
        if not _is_public(address):
            raise RefusedTarget(f"{host} resolves to a non-public address {address}")
    return addresses[0]
