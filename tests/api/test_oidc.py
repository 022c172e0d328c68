"""Tokens of an external OIDC identity provider (a stand-in serving discovery and JWKS
over real HTTP, with its own keys and subject ids): its subject names a user of the
tenant its tenant claim names, and nothing else ever does."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from joserfc import jwt

from tenants.models import users
from tenants.provisioning import create_user
from tests.conftest import graphql
from tests.support.oidc_provider import AUDIENCE, CERTS, DISCOVERY, new_key, random_subject
from tests.support.oidc_provider import running_provider as _running_provider

VIEWER = "{ viewer { user { id email } tenant { slug } } }"


@pytest.fixture
def provider():
    with _running_provider() as running:
        yield running


@pytest.fixture
def oidc_app(make_client, provider):
    """`await oidc_app(**settings)`: `gql` of an app that trusts the provider (found by
    discovery), its tenant claim `tenant`."""

    async def make(**overrides: Any) -> Any:
        settings = {
            "oidc_issuer": provider.issuer,
            "oidc_audience": AUDIENCE,
            "tenant_claim": "tenant",
            "oidc_jwks_min_refetch_seconds": 0,
        } | overrides
        client = await make_client(**settings)
        return lambda query, token: graphql(client, query, token=token)

    return make


async def _linked_user(tenant, subject: str, role: str = "sales_rep", email: str | None = None):
    email = email or f"{uuid.uuid4().hex[:8]}@{tenant.slug}.example"
    async with tenant.session() as conn:
        user_id = await create_user(
            conn,
            tenant_id=tenant.id,
            email=email,
            name=email,
            role_key=role,
            external_subject=subject,
        )
    return user_id, email


def _refused(result) -> bool:
    return result.status == 401 and result.codes == ["UNAUTHENTICATED"] and result.data is None


async def test_the_providers_subject_acts_as_its_user(oidc_app, provider, tenant):
    gql = await oidc_app()
    subject = random_subject()
    _, email = await _linked_user(tenant, subject)
    for reference in (tenant.slug, str(tenant.id)):
        viewer = (await gql(VIEWER, provider.token(subject, reference))).ok()["viewer"]
        assert viewer["user"]["email"] == email
        assert viewer["tenant"]["slug"] == tenant.slug
    assert provider.hits[DISCOVERY] == 1 and provider.hits[CERTS] == 1  # fetched once


async def test_an_unknown_subject_is_unauthenticated(oidc_app, provider, tenant):
    gql = await oidc_app()
    await _linked_user(tenant, random_subject())
    assert _refused(await gql(VIEWER, provider.token(random_subject(), tenant.slug)))


async def test_a_wrong_tenant_claim_is_unauthenticated(oidc_app, provider, tenant, other_tenant):
    gql = await oidc_app()
    subject = random_subject()
    await _linked_user(tenant, subject)
    for value in (other_tenant.slug, "no-such-tenant", str(uuid.uuid4()), "", [tenant.slug]):
        assert _refused(await gql(VIEWER, provider.token(subject, value))), value


async def test_a_subject_of_tenant_a_never_acts_in_tenant_b(
    oidc_app, provider, tenant, other_tenant
):
    gql = await oidc_app()
    subject = random_subject()
    a_user, _ = await _linked_user(tenant, subject, role="tenant_admin")
    # the same subject, linked to another person in B: B's token is B's user only
    _, b_email = await _linked_user(other_tenant, subject)
    in_b = (await gql(VIEWER, provider.token(subject, other_tenant.slug))).ok()["viewer"]
    assert in_b["user"]["email"] == b_email
    assert in_b["tenant"]["slug"] == other_tenant.slug
    # A's user id as the subject, or A's claims on a token for B, name nobody in B
    for token in (
        provider.token(str(a_user), other_tenant.slug),
        provider.token(str(a_user), str(other_tenant.id)),
    ):
        assert _refused(await gql(VIEWER, token))


async def test_a_key_rollover_at_the_provider_needs_no_restart(oidc_app, provider, tenant):
    gql = await oidc_app()
    subject = random_subject()
    await _linked_user(tenant, subject)
    before = provider.token(subject, tenant.slug)
    assert (await gql(VIEWER, before)).ok()
    provider.rotate()
    after = provider.token(subject, tenant.slug)
    assert (await gql(VIEWER, after)).ok()["viewer"]["tenant"]["slug"] == tenant.slug
    assert provider.hits[CERTS] == 2
    # the old key was withdrawn: its token, remembered before, is refused now
    assert _refused(await gql(VIEWER, before))


async def test_unknown_key_ids_refetch_the_keys_at_most_once_per_interval(
    oidc_app, provider, tenant
):
    gql = await oidc_app(oidc_jwks_min_refetch_seconds=3600)
    subject = random_subject()
    await _linked_user(tenant, subject)
    assert (await gql(VIEWER, provider.token(subject, tenant.slug))).ok()
    for stranger in (new_key(), new_key()):  # keys the provider never published
        for _ in range(3):
            token = provider.token(subject, tenant.slug, key=stranger)
            assert _refused(await gql(VIEWER, token))
    assert provider.hits[CERTS] == 1


async def test_tokens_of_one_issuer_are_never_checked_with_the_others_keys(
    oidc_app, provider, tenant
):
    gql = await oidc_app()
    subject = random_subject()
    user_id, _ = await _linked_user(tenant, subject)
    settings = tenant.state.settings
    # the provider's key, claiming to be Atrium's own token
    as_local = provider.token(
        str(user_id), str(tenant.id), iss=settings.jwt_issuer, aud=settings.jwt_audience
    )
    # Atrium's key, claiming to be the provider's
    as_provider = jwt.encode(
        {"alg": "ES256", "kid": tenant.state.keys.kid},
        {
            "iss": provider.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "tenant": tenant.slug,
            "exp": 2**31,
        },
        tenant.state.keys.key,
    )
    for token in (as_local, as_provider):
        assert _refused(await gql(VIEWER, token))


async def test_wrong_audience_is_unauthenticated(oidc_app, provider, tenant):
    gql = await oidc_app()
    subject = random_subject()
    await _linked_user(tenant, subject)
    assert _refused(await gql(VIEWER, provider.token(subject, tenant.slug, aud="account")))


async def _subject_of(tenant, email: str) -> str | None:
    async with tenant.session() as conn:
        return await conn.scalar(
            sa.select(users.c.external_subject).where(users.c.email == email.lower())
        )


async def test_first_login_by_verified_email_links_the_subject(oidc_app, provider, tenant):
    gql = await oidc_app(oidc_match_verified_email=True)
    email = f"Rep.{uuid.uuid4().hex[:6]}@{tenant.slug}.example"
    await tenant.user("sales_rep", email=email.lower())
    subject = random_subject()
    unverified = provider.token(subject, tenant.slug, email=email, email_verified=False)
    assert _refused(await gql(VIEWER, unverified))
    verified = provider.token(subject, tenant.slug, email=email, email_verified=True)
    viewer = (await gql(VIEWER, verified)).ok()["viewer"]
    assert viewer["user"]["email"] == email.lower()
    assert await _subject_of(tenant, email) == subject
    # from now on the subject alone names them
    assert (await gql(VIEWER, provider.token(subject, tenant.slug))).ok()
    # and another subject with the same email does not take the user over
    other = provider.token(random_subject(), tenant.slug, email=email, email_verified=True)
    assert _refused(await gql(VIEWER, other))
    assert await _subject_of(tenant, email) == subject


async def test_email_is_not_matched_unless_the_setting_says_so(oidc_app, provider, tenant):
    gql = await oidc_app()
    email = f"rep.{uuid.uuid4().hex[:6]}@{tenant.slug}.example"
    await tenant.user("sales_rep", email=email)
    token = provider.token(random_subject(), tenant.slug, email=email, email_verified=True)
    assert _refused(await gql(VIEWER, token))
    assert await _subject_of(tenant, email) is None
