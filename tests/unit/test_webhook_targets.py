"""The SSRF guard (domain/webhooks/targets.py), spelling by spelling: what a URL's host
may say when the webhook is saved, and what its name may resolve to when it is sent.

Every host is checked twice: by `check_url` (create and update) and by `check_target`
(send; a literal is judged as it is, a name by what the resolver answers)."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.webhooks.targets import RefusedTarget, check_target, check_url

REFUSED_HOSTS = [
    # loopback, in every IPv4 spelling inet_aton (so the system resolver) accepts
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "2130706433",
    "0x7f000001",
    "0x7F.0.0.1",
    "0177.0.0.1",
    "0177.1",
    "017700000001",
    "127.0.0.0x1",
    "127.0.0.1.",
    "0x7f.1.",
    # private, link-local (cloud metadata), unspecified, shared, multicast, broadcast
    "10.0.0.1",
    "012.0.0.1",
    "167772161",
    "0xa.0.0.1",
    "192.168.1.1",
    "3232235777",
    "172.16.0.1",
    "169.254.169.254",
    "2852039166",
    "0xa9.0xfe.0xa9.0xfe",
    "0251.0376.0251.0376",
    "0",
    "0.0.0.0",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    # IPv6 loopback and unspecified
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::]",
    # IPv4-mapped
    "[::ffff:127.0.0.1]",
    "[::FFFF:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:7f00:0001]",
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:127.0.0.1%25lo]",
    # IPv4-compatible (deprecated, reserved as a whole) and IPv4-translated (SIIT)
    "[::127.0.0.1]",
    "[::7f00:1]",
    "[::8.8.8.8]",
    "[::ffff:0:7f00:1]",
    # 6to4 embedding loopback, private, link-local, unspecified
    "[2002:7f00:1::]",
    "[2002:7f00:0001:0:0:0:0:1]",
    "[2002:a00:1::1]",
    "[2002:C0A8:101::]",
    "[2002:a9fe:a9fe::1]",
    "[2002::]",
    # NAT64, well-known prefix, embedding the same; the local-use prefix
    "[64:ff9b::127.0.0.1]",
    "[64:ff9b::7f00:1]",
    "[64:FF9B::A9FE:A9FE]",
    "[64:ff9b::10.0.0.1]",
    "[64:ff9b:1::a00:1]",
    # link-local (with a zone id), unique local, multicast, Teredo, documentation
    "[fe80::1%25eth0]",
    "[FE80::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[ff02::1]",
    "[2001::1]",
    "[2001:db8::1]",
    # this machine by name
    "localhost",
    "LOCALHOST",
    "api.localhost",
    "localhost.",
]

ALLOWED_HOSTS = [
    "8.8.8.8",
    "134744072",  # 8.8.8.8
    "0x8.0x8.0x8.0x8",
    "010.010.010.010",  # octal: 8.8.8.8
    "93.184.215.14",
    "[2606:4700:4700::1111]",
    "[2606:4700::1111]",
    "[::ffff:8.8.8.8]",
    "[::FFFF:808:808]",
    "[2002:808:808::1]",  # 6to4 of a public address
    "[64:ff9b::8.8.8.8]",  # NAT64 of a public address
    "[64:ff9b::808:808]",
    "partner.example",
    "PARTNER.Example",
    "hooks.partner.example.",
    "127.0.0.1.nip.io",  # a name: judged by what it resolves to when sent
    "0x7f.example",
]

# a name's addresses at send time (as getaddrinfo prints them)
REFUSED_RESOLUTIONS = [
    ["127.0.0.1"],
    ["::1"],
    ["::ffff:127.0.0.1"],
    ["2002:7f00:1::"],
    ["64:ff9b::7f00:1"],
    ["64:ff9b::a9fe:a9fe"],
    ["fe80::1%eth0"],
    ["10.0.0.7"],
    ["::ffff:a9fe:a9fe"],
    ["8.8.8.8", "10.0.0.1"],  # one private address is enough
]
ALLOWED_RESOLUTIONS = [
    ["8.8.8.8"],
    ["2002:808:808::"],
    ["64:ff9b::808:808"],
    ["2606:4700::1111", "8.8.4.4"],
]


def _url(host: str) -> str:
    return f"https://{host}/hooks"


def _resolving_to(addresses: list[str]):
    async def resolve(host: str) -> list[str]:
        return addresses

    return resolve


def test_the_table_is_large_enough():
    assert len(REFUSED_HOSTS) + len(ALLOWED_HOSTS) >= 50


@pytest.mark.parametrize("host", REFUSED_HOSTS)
async def test_a_host_on_our_network_is_refused_when_saved_and_when_sent(host):
    with pytest.raises(DomainError) as refused:
        check_url(_url(host), allow_private=False)
    assert refused.value.field == "url"
    if host.lower().removesuffix(".").endswith("localhost"):
        return  # a name: what it resolves to is checked when sent
    with pytest.raises(RefusedTarget):
        await check_target(_url(host), allow_private=False, resolve=_resolving_to(["8.8.8.8"]))


@pytest.mark.parametrize("host", ALLOWED_HOSTS)
async def test_a_public_host_is_accepted_and_sent_to(host):
    assert check_url(_url(host), allow_private=False) == _url(host)
    address = await check_target(
        _url(host), allow_private=False, resolve=_resolving_to(["93.184.215.14"])
    )
    assert address is not None


@pytest.mark.parametrize("addresses", REFUSED_RESOLUTIONS)
async def test_a_name_resolving_to_our_network_is_refused_when_sent(addresses):
    url = _url("partner.example")
    with pytest.raises(RefusedTarget):
        await check_target(url, allow_private=False, resolve=_resolving_to(addresses))


@pytest.mark.parametrize("addresses", ALLOWED_RESOLUTIONS)
async def test_a_name_resolving_to_public_addresses_is_sent_to_the_first(addresses):
    url = _url("partner.example")
    address = await check_target(url, allow_private=False, resolve=_resolving_to(addresses))
    assert address == addresses[0]
