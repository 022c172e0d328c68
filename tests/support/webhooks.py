"""Webhooks in tests: GraphQL documents, a webhook per test, its deliveries."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.webhooks.models import webhook_deliveries
from tests.support.crm import uuid_of

ERRORS = "userErrors { field code message }"
WEBHOOK = "id url events active createdAt version createdBy { id }"
CREATE_WEBHOOK = f"""mutation($input: CreateWebhookInput!) {{
  createWebhook(input: $input) {{ webhook {{ {WEBHOOK} }} signingSecret {ERRORS} }} }}"""
UPDATE_WEBHOOK = f"""mutation($input: UpdateWebhookInput!) {{
  updateWebhook(input: $input) {{ webhook {{ {WEBHOOK} }} {ERRORS} }} }}"""
DELETE_WEBHOOK = f"""mutation($input: DeleteWebhookInput!) {{
  deleteWebhook(input: $input) {{ deletedWebhookId {ERRORS} }} }}"""
REDELIVER = f"""mutation($input: RedeliverWebhookInput!) {{
  redeliverWebhook(input: $input) {{ delivery {{ id status attempts }} {ERRORS} }} }}"""
WEBHOOKS = f"{{ webhooks(first: 50) {{ nodes {{ {WEBHOOK} }} }} }}"
DELIVERY = (
    "id event status attempts lastStatus lastError payload createdAt deliveredAt nextAttemptAt"
)
DELIVERIES = f"""query($id: ID!) {{ webhookDeliveries(webhookId: $id, first: 50) {{
  nodes {{ {DELIVERY} }} }} }}"""


async def create_webhook(
    gql: Any, token: str, events: list[str], url: str = "https://partner.example/hooks"
) -> dict[str, Any]:
    result = await gql(CREATE_WEBHOOK, {"input": {"url": url, "events": events}}, token=token)
    payload = result.ok()["createWebhook"]
    assert payload["userErrors"] == [], payload
    return payload  # type: ignore[no-any-return]


async def deliveries(gql: Any, token: str, webhook_id: str) -> list[dict[str, Any]]:
    result = await gql(DELIVERIES, {"id": webhook_id}, token=token)
    return result.ok()["webhookDeliveries"]["nodes"]  # type: ignore[no-any-return]


async def delivery_rows(tenant: Any, webhook_id: str | None = None) -> list[Any]:
    query = sa.select(webhook_deliveries).order_by(webhook_deliveries.c.created_at)
    if webhook_id is not None:
        query = query.where(webhook_deliveries.c.webhook_id == uuid_of(webhook_id))
    async with tenant.session() as conn:
        return list((await conn.execute(query)).all())


async def make_due(tenant: Any) -> None:
    """Skip the backoff wait: every pending delivery of `tenant` is due now."""
    async with tenant.session() as conn:
        await conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.status == "pending")
            .values(next_attempt_at=sa.func.now())
        )
