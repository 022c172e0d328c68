"""Where a webhook may point: the SSRF guard.

A webhook makes our server send requests to an address a tenant admin chose, so that
address must never be our own network: https only, and no loopback, private,
link-local, multicast, reserved or unspecified address — checked on the URL when it is
saved (IP literals in every spelling a resolver takes, `localhost`) and on every address the host resolves to when a
delivery is sent (a name may resolve anywhere, and may change: the dispatcher then
connects to the address it checked, so a second lookup cannot rebind the name). An IPv6
address that carries an IPv4 one (IPv4-mapped, 6to4, NAT64) is judged by the IPv4 one. `allow_private`
(setting `webhooks_allow_private_targets`) lifts both rules for development and tests.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
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


# Prefixes that carry an IPv4 address to the network it names: a connection to one of
# them reaches that IPv4 host (the kernel for IPv4-mapped, a relay or a NAT64 gateway for
# the others), so the address is as public as the IPv4 address it carries, whatever
# `ipaddress` says of the prefix itself (its verdict on 2002::/16 changed between Python
# releases). Other embeddings (IPv4-compatible ::a.b.c.d, Teredo, the local-use NAT64
# prefix 64:ff9b:1::/48) are reserved or non-global as a whole and refused as such.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

# inet_aton's spellings of an IPv4 address, which the system resolver accepts for a host
# name: 1 to 4 parts, each decimal, octal (0…) or hex (0x…), e.g. 2130706433, 0x7f.1, 0177.0.0.1
_NUMERIC_HOST = re.compile(r"^[0-9a-fx]+(\.[0-9a-fx]+){0,3}$")


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def _is_public(address: str) -> bool:
    """Whether `address` (an IP literal, zone id allowed) is a public unicast address,
    judging a translation prefix by the IPv4 address it carries."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _carried_ipv4(ip) or ip
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _ip_literal(host: str) -> str | None:
    """The address `host` spells, in any form the system resolver would take as one
    (without asking DNS), else None."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    numeric = host.lower().removesuffix(".")
    if not _NUMERIC_HOST.match(numeric):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(numeric))
    except OSError:
        return None


def _is_own_name(host: str) -> bool:
    name = host.lower().removesuffix(".")
    return name == "localhost" or name.endswith(".localhost")


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
        if _is_own_name(host):
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
