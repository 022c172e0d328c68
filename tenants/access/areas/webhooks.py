"""Webhooks: partner endpoints and their deliveries. tenant_admin only (ACCESS.md: no
built-in role is granted any of it; tenant_admin gets every entity of the catalog)."""

from tenants.access.catalog import CRUD, Area, EntitySpec

WEBHOOK_FIELDS = ("url", "events", "active", "createdAt", "updatedAt", "createdBy", "version")
DELIVERY_FIELDS = (
    "event",
    "payload",
    "status",
    "attempts",
    "nextAttemptAt",
    "lastStatus",
    "lastError",
    "createdAt",
    "deliveredAt",
)

AREA = Area(
    entities=(
        EntitySpec(
            "Webhook",
            # the signing secret is no field: it is shown once, in createWebhook's payload
            {"endpoint": WEBHOOK_FIELDS},
            actions=CRUD,
            readonly=("createdAt", "updatedAt", "createdBy", "version"),
        ),
        EntitySpec(
            "WebhookDelivery",
            {"delivery": DELIVERY_FIELDS},
            # deliveries are written by the outbox and the dispatcher, never by a client
            actions=("read", "redeliver"),
            readonly=DELIVERY_FIELDS,
        ),
    ),
)
