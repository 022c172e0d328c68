"""Use cases of webhooks: create (the signing secret is shown once), update, delete,
redeliver. Only tenant admins reach them (catalog entity `Webhook`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError, NotFound
from domain.kit.checks import not_null
from domain.kit.patch import patch
from domain.kit.rows import stale, update_versioned
from domain.webhooks import repository as repo
from domain.webhooks.models import EVENTS, NewWebhook, WebhookChanges, webhooks
from domain.webhooks.targets import check_url
from tenants.principal import Actor

# a prefix tells a leaked secret apart from other credentials in a secret scanner
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class CreatedWebhook:
    webhook: Any
    signing_secret: str


def _events(names: list[str]) -> list[str]:
    unknown = [n for n in names if n not in EVENTS]
    if unknown:
        raise DomainError(f"Unknown events: {', '.join(unknown)}.", field="events")
    if not names:
        raise DomainError("Subscribe to at least one event.", field="events")
    return sorted(set(names), key=EVENTS.index)


async def create_webhook(
    conn: AsyncConnection, actor: Actor, new: NewWebhook, *, allow_private: bool
) -> CreatedWebhook:
    url = check_url(new.url, allow_private=allow_private)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = await repo.insert_webhook(
        conn,
        actor.tenant_id,
        url=url,
        events=_events(new.events),
        secret=secret,
        active=True,
        created_by=actor.user_id,
    )
    return CreatedWebhook(row, secret)


async def update_webhook(
    conn: AsyncConnection,
    actor: Actor,
    webhook_id: UUID,
    version: int | None,
    changes: WebhookChanges,
    *,
    allow_private: bool,
) -> Any:
    checks: dict[str, Any] = {
        "url": lambda url: check_url(not_null(url, "url"), allow_private=allow_private),
        "events": lambda events: _events(not_null(events, "events")),
        "active": lambda active: not_null(active, "active"),
    }
    values = {key: checks[key](value) for key, value in patch(vars(changes)).items()}
    if not values:
        raise DomainError("Nothing to change.", field="input")
    await update_versioned(conn, webhooks, webhook_id, version, values, label="webhook")
    return (await repo.webhooks_by_ids(conn, [webhook_id]))[webhook_id]


async def delete_webhook(
    conn: AsyncConnection, actor: Actor, webhook_id: UUID, version: int | None
) -> Any:
    row = await repo.delete_webhook(conn, webhook_id, version)
    if row is not None:
        return row
    if await repo.webhook_exists(conn, webhook_id):
        raise stale("webhook")
    raise NotFound("No such webhook.", field="id")


async def redeliver(conn: AsyncConnection, actor: Actor, delivery_id: UUID) -> Any:
    """Send one delivery again (delivered, failed or still pending): due now, with a
    fresh count of attempts, so it gets the whole retry schedule."""
    row = await repo.requeue_delivery(conn, delivery_id)
    if row is None:
        raise NotFound("No such delivery.", field="deliveryId")
    return row
