"""What a payload carries is named in catalog terms, so the field-access rule on
`WebhookDelivery.payload` checks real fields: every entity and field a payload builder
shows is in the catalog, and an unknown shape is readable by no role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

from domain.webhooks import events
from tenants.access.builtin import builtin_policy
from tenants.access.catalog import catalog

ROW = SimpleNamespace(
    id=uuid4(), title="t", status="won", amount=Decimal(1), currency="EUR", total=Decimal(1),
    customer_id=uuid4(), deal_id=None, order_id=uuid4(), number="INV-1",
    due_date=date(2026, 1, 1), paid_on=date(2026, 1, 1),
)  # fmt: skip
PAYLOADS = [
    events.deal(ROW),
    events.order(ROW),
    events.invoice(ROW, Decimal(1)),
    events.payment(ROW, ROW, Decimal(1)),
]


def test_every_payload_names_catalog_fields():
    for data in PAYLOADS:
        for entity, fields in events.carried_fields(data).items():
            assert set(fields) <= set(catalog()[entity].fields), (entity, fields)


def test_an_unknown_payload_shape_is_nobodys():
    carried = events.carried_fields({"secret": {"id": "x", "value": 1}})
    policy = builtin_policy("tenant_admin")
    assert not any(policy.can_read(e, f) for e, fields in carried.items() for f in fields)
