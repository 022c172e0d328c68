"""Webhook queries: the tenant's webhooks and one webhook's deliveries (newest first)."""

from __future__ import annotations

import strawberry

from api.core.context import Info
from api.core.relay import Connection, connection, from_global_id, page_request
from api.errors import AppError, Code
from api.webhooks.types import Webhook, WebhookDelivery, to_delivery, to_webhook
from domain.webhooks import repository as repo


@strawberry.type
class Query:
    @strawberry.field(
        metadata={"access": ("Webhook", "read")},
        description="The tenant's webhooks, newest first.",
    )
    async def webhooks(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Webhook] | None:
        page = await repo.list_webhooks(
            info.context.db, page_request(info, first, after, last, before)
        )
        return await connection(info, page, to_webhook)

    @strawberry.field(
        metadata={"access": ("WebhookDelivery", "read")},
        description="One webhook's deliveries, newest first.",
    )
    async def webhook_deliveries(
        self,
        info: Info,
        webhook_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WebhookDelivery] | None:
        # another tenant's webhook, like a missing one: NOT_FOUND
        webhook = from_global_id(webhook_id, "Webhook")[1]
        page_of = page_request(info, first, after, last, before)
        if not await repo.webhook_exists(info.context.db, webhook):
            raise AppError(Code.NOT_FOUND, "No such object.")
        page = await repo.list_deliveries(info.context.db, webhook, page_of)
        return await connection(info, page, to_delivery)
