"""Webhook mutations: create (the signing secret is in this payload only), update,
delete, redeliver. Each is one service call, all or nothing, with userErrors."""

from __future__ import annotations

import strawberry

from api.core.context import Info
from api.core.payloads import Answer, UserError, respond
from api.core.relay import local_id, to_global_id
from api.webhooks.inputs import (
    CreateWebhookInput,
    DeleteWebhookInput,
    RedeliverWebhookInput,
    UpdateWebhookInput,
)
from api.webhooks.types import Webhook, WebhookDelivery, to_delivery, to_webhook
from domain.webhooks import services


@strawberry.type(description="The signing secret is shown here only: store it now.")
class CreateWebhookPayload:
    webhook: Webhook | None
    signing_secret: str | None = strawberry.field(
        description="Verifies `Atrium-Signature` (README: Webhooks)."
    )
    user_errors: list[UserError]


@strawberry.type
class WebhookPayload:
    webhook: Webhook | None
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookPayload:
    deleted_webhook_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    user_errors: list[UserError]


def _allow_private(info: Info) -> bool:
    return bool(info.context.settings.webhooks_allow_private_targets)


# What each mutation answers: its payload, the field of the record, the row's conversion.
DELETED_WEBHOOK_ID = Answer.record(
    DeleteWebhookPayload, "deleted_webhook_id", lambda row: to_global_id("Webhook", row.id)
)
DELIVERY = Answer.record(WebhookDeliveryPayload, "delivery", to_delivery)
# the signing secret is shown in this payload only
CREATED = Answer(
    CreateWebhookPayload,
    lambda c: {"webhook": to_webhook(c.webhook), "signing_secret": c.signing_secret},
)
WEBHOOK = Answer.record(WebhookPayload, "webhook", to_webhook)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        metadata={"access": ("Webhook", "create")},
        description="An https endpoint for the given events; the signing secret is in "
        "this payload only.",
    )
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> CreateWebhookPayload:
        ctx = info.context
        return await respond(
            info,
            CREATED,
            lambda: services.create_webhook(
                ctx.db, ctx.require_actor(), input.command(), allow_private=_allow_private(info)
            ),
        )

    @strawberry.mutation(metadata={"access": ("Webhook", "update")})
    async def update_webhook(self, info: Info, input: UpdateWebhookInput) -> WebhookPayload:
        ctx = info.context
        return await respond(
            info,
            WEBHOOK,
            lambda: services.update_webhook(
                ctx.db,
                ctx.require_actor(),
                input.webhook_id(),
                input.version,
                input.changes(),
                allow_private=_allow_private(info),
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("Webhook", "delete")},
        description="The webhook and its deliveries, pending ones too, are gone.",
    )
    async def delete_webhook(self, info: Info, input: DeleteWebhookInput) -> DeleteWebhookPayload:
        ctx = info.context
        return await respond(
            info,
            DELETED_WEBHOOK_ID,
            lambda: services.delete_webhook(
                ctx.db, ctx.require_actor(), local_id(input.id, "Webhook", "id"), input.version
            ),
        )

    @strawberry.mutation(
        metadata={"access": ("WebhookDelivery", "redeliver")},
        description="Queue one delivery again, due now, with a fresh retry schedule.",
    )
    async def redeliver_webhook(
        self, info: Info, input: RedeliverWebhookInput
    ) -> WebhookDeliveryPayload:
        ctx = info.context
        return await respond(
            info,
            DELIVERY,
            lambda: services.redeliver(
                ctx.db,
                ctx.require_actor(),
                local_id(input.delivery_id, "WebhookDelivery", "deliveryId"),
            ),
        )
