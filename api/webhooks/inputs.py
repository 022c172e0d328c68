"""Mutation inputs of webhooks. Optional keys default to UNSET: only keys the client
sent count as writes (tests/unit/test_input_defaults.py)."""

from __future__ import annotations

from typing import Any

import strawberry

from api.core.inputs import LOCATORS, sent_items
from api.core.relay import local_id
from api.webhooks.types import WebhookEvent
from domain.webhooks.models import NewWebhook, WebhookChanges


def _names(events: list[Any] | None) -> list[str] | None:
    return [e.value for e in events] if events is not None else None


@strawberry.input(description="An https endpoint and the events it receives.")
class CreateWebhookInput:
    __entity__ = "Webhook"
    url: str
    events: list[WebhookEvent]

    def command(self) -> NewWebhook:
        return NewWebhook(url=self.url, events=_names(self.events) or [])


@strawberry.input(description="Change a webhook; keys left out stay as they are.")
class UpdateWebhookInput:
    __entity__ = "Webhook"
    id: strawberry.ID
    version: int | None = None
    url: str | None = strawberry.UNSET
    events: list[WebhookEvent] | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET

    def changes(self) -> WebhookChanges:
        sent = dict(sent_items(self, LOCATORS))
        if sent.get("events") is not None:
            sent["events"] = _names(sent["events"])
        return WebhookChanges(**sent)

    def webhook_id(self) -> Any:
        return local_id(self.id, "Webhook", "id")


@strawberry.input(description="Delete a webhook and its deliveries.")
class DeleteWebhookInput:
    __entity__ = "Webhook"
    id: strawberry.ID
    version: int | None = None


@strawberry.input(description="Send one delivery again, with a fresh retry schedule.")
class RedeliverWebhookInput:
    __entity__ = "WebhookDelivery"
    __locators__ = ("deliveryId", "clientMutationId")
    delivery_id: strawberry.ID
