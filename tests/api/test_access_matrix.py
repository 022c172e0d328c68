"""The authorization matrix, generated from the catalog and the built-in grants for every
area, entity, field and role (tests/support/access_matrix.py): through real requests,
each role reads exactly the fields its grants name, every other field is null with
FORBIDDEN at its path, and a mutation input is refused exactly when it writes a field
the role may not write (or the role lacks the mutation's action)."""

from __future__ import annotations

from typing import Any

from domain.webhooks.outbox import emit
from tenants.access.builtin import BUILTIN_ROLES, builtin_policy
from tenants.access.catalog import catalog
from tests.support.access_matrix import (
    PAGE,
    VIEWER,
    ReadCheck,
    own_ids,
    read_documents,
    writes_for,
)
from tests.support.api_clients import partner
from tests.support.billing import PAY
from tests.support.demo import seed_every_area
from tests.support.webhooks import create_webhook

ROLES = [role.key for role in BUILTIN_ROLES]
CREDIT = """mutation($input: CreateCreditNoteInput!) {
  createCreditNote(input: $input) { userErrors { field code } } }"""


async def _world(gql: Any, tenant: Any) -> dict[str, Any]:
    """Every area's demo, plus what it leaves out: a partner client, a webhook with a
    delivery. The user of each role owns demo rows, so `own` scopes see some."""
    users = await seed_every_area(tenant)
    await partner(gql, tenant)
    webhook = await create_webhook(gql, tenant.admin_token, ["DEAL_WON"])
    async with tenant.session(tenant.admin_id) as conn:
        await emit(conn, tenant.id, "deal.won", {"deal": {"id": "x"}})
    await _pay_and_credit_a_listed_invoice(gql, tenant.admin_token)
    return {"users": users, "webhookId": webhook["webhook"]["id"]}


async def _pay_and_credit_a_listed_invoice(gql: Any, token: str) -> None:
    """The demo's paid and credited invoices may lie beyond the matrix's page: give one
    of the page a payment and a credit note."""
    listed = f"{{ invoices(first: {PAGE}) {{ nodes {{ id status currency }} }} }}"
    nodes = (await gql(listed, token=token)).ok()["invoices"]["nodes"]
    invoice = next(n for n in nodes if n["status"] in ("ISSUED", "PARTIALLY_PAID"))
    money = {"invoiceId": invoice["id"], "amount": "1", "currency": invoice["currency"]}
    for document, given in ((PAY, money), (CREDIT, {**money, "reason": "matrix"})):
        result = (await gql(document, {"input": given}, token=token)).ok()
        assert all(not payload["userErrors"] for payload in result.values()), result


async def test_each_role_reads_exactly_the_fields_its_grants_name(gql, tenant):
    world = await _world(gql, tenant)
    wrong: dict[str, Any] = {}
    for role in ROLES:
        token = tenant.token(world["users"][role])
        viewer = (await gql(VIEWER, token=token)).ok()["viewer"]
        check = ReadCheck(builtin_policy(role), own_ids(viewer))
        refused: set[tuple[Any, ...]] = set()
        for roots, document in read_documents():
            result = await gql(document, {"webhookId": world["webhookId"]}, token=token)
            assert result.status == 200 and set(result.codes) <= {"FORBIDDEN"}, result.errors
            refused |= {tuple(path) for path in result.error_paths()}
            for hop in roots:
                check.root(hop, result.data[hop.field])
        unseen = [
            name
            for name in catalog().entities
            if check.policy.can(name, "read") and name not in check.shown
        ]
        problems = {
            "read, yet refused": sorted(map(str, refused - check.expected)),
            "refused by the grants, yet answered": sorted(map(str, check.expected - refused)),
            "readable, yet no row to show it": unseen,
        }
        if any(problems.values()):
            wrong[role] = problems
    assert wrong == {}


async def test_each_role_writes_exactly_the_fields_its_grants_name(gql, tenant):
    wrong: dict[str, list[str]] = {}
    for role in ROLES:
        token = tenant.admin_token if role == "tenant_admin" else await tenant.token_for(role)
        for write, refused in writes_for(builtin_policy(role)):
            result = await gql(write.document, {"input": write.value}, token=token)
            got = "FORBIDDEN" in result.codes
            if got != refused:
                expected = "refused" if refused else "allowed"
                wrong.setdefault(role, []).append(
                    f"{write.mutation} ({write.named}): {expected}, got {result.codes}"
                )
    assert wrong == {}
