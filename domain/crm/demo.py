"""Front-office demo data: customers with contacts, leads, deals across every stage with
their history, and activities, owned by the demo sales rep and sales manager.

Deterministic (random seeded by the tenant slug, ids drawn from it too) and written with
one multi-row INSERT per table, so `atrium demo` stays fast."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import (
    activities,
    contacts,
    customers,
    deal_stage_changes,
    deals,
    leads,
    pipeline_stages,
    pipelines,
)
from domain.demo_seed import DemoSeed

CUSTOMERS, LEADS, DEALS, ACTIVITIES = 120, 200, 250, 300
FIRST = (
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Dennis",
    "Frances",
    "Edsger",
)
LAST = ("Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie")
WORDS = ("Blue", "Northern", "Quantum", "Silver", "Prime", "Bright", "Atlas", "Nimbus", "Vertex")
TRADES = ("Logistics", "Foods", "Robotics", "Textiles", "Analytics", "Energy", "Pharma", "Media")
SOURCES = ("web", "referral", "trade show", "cold call", "partner")
SUBJECTS = {
    "call": "Call about next steps",
    "email": "Send the proposal",
    "meeting": "On-site demo",
    "note": "Budget confirmed",
    "task": "Prepare the quote",
}


class Draw:
    """Seeded choices and ids: the same tenant slug gives the same demo every time."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def id(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, items: Any) -> Any:
        return self.rng.choice(items)

    def person(self) -> tuple[str, str]:
        return self.pick(FIRST), self.pick(LAST)

    def amount(self) -> Decimal:
        return Decimal(self.rng.randrange(500, 150_000)).quantize(Decimal("0.01"))

    def days(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


async def seed(demo: DemoSeed) -> None:
    conn = demo.conn
    draw = Draw(f"crm:{demo.slug}")
    owners = [demo.users["sales_rep"], demo.users["sales_manager"]]
    base = {"tenant_id": demo.tenant_id}
    now = datetime.now(UTC)

    customer_rows = []
    for i in range(CUSTOMERS):
        name = f"{draw.pick(WORDS)} {draw.pick(TRADES)} {i + 1}"
        credit = draw.rng.random() < 0.5
        customer_rows.append(
            base
            | {
                "id": draw.id(),
                "name": name,
                "kind": "company" if i % 6 else "person",
                "email": f"info@customer{i + 1}.{demo.slug}.example",
                "owner_id": owners[i % 2],
                "tax_id": f"VAT{100000 + i}",
                "billing_address": {
                    "line1": f"{i + 1} Market St",
                    "city": "Springfield",
                    "country": "US",
                },
                "credit_limit": draw.amount() if credit else None,
                "credit_currency": "EUR" if credit else None,
                "payment_terms_days": draw.pick((14, 30, 45, 60)),
            }
        )
    contact_rows: list[dict[str, Any]] = []
    for i, customer in enumerate(customer_rows):
        for _ in range(1 + i % 2):
            first, last = draw.person()
            contact_rows.append(
                base
                | {
                    "id": draw.id(),
                    "customer_id": customer["id"],
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}.{len(contact_rows)}@customer{i + 1}.example".lower(),
                    "title": draw.pick(("CEO", "CTO", "Buyer", "Head of Operations")),
                    "owner_id": customer["owner_id"],
                }
            )
    stages = await _default_stages(conn)
    deal_rows, changes = _deals(
        draw, base, customer_rows, contact_rows, stages, owners, now, demo.currencies
    )
    lead_rows = _leads(draw, base, customer_rows, owners)
    activity_rows = _activities(draw, base, lead_rows, deal_rows, now)
    for table, rows in (
        (customers, customer_rows),
        (contacts, contact_rows),
        (deals, deal_rows),
        (deal_stage_changes, changes),
        (leads, lead_rows),
        (activities, activity_rows),
    ):
        await conn.execute(sa.insert(table).values(rows))


async def _default_stages(conn: AsyncConnection) -> list[Any]:
    return list(
        await conn.execute(
            sa.select(pipeline_stages)
            .join(pipelines, pipelines.c.id == pipeline_stages.c.pipeline_id)
            .where(pipelines.c.is_default)
            .order_by(pipeline_stages.c.position)
        )
    )


def _deals(
    draw: Draw,
    base: dict[str, Any],
    customer_rows: list[dict[str, Any]],
    contact_rows: list[dict[str, Any]],
    stages: list[Any],
    owners: list[UUID],
    now: datetime,
    currencies: tuple[str, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Deals in every stage; one in five in the export currency (currencies[1])."""
    contacts_of: dict[UUID, UUID] = {}
    for contact in contact_rows:
        contacts_of.setdefault(contact["customer_id"], contact["id"])
    deal_rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for i in range(DEALS):
        customer = draw.pick(customer_rows)
        stage = draw.pick(stages)
        status = "won" if stage.is_won else "lost" if stage.is_lost else "open"
        deal_id = draw.id()
        owner = owners[i % 2]
        deal_rows.append(
            base
            | {
                "id": deal_id,
                "title": f"{customer['name']}: {draw.pick(('renewal', 'expansion', 'pilot', 'rollout'))}",
                "customer_id": customer["id"],
                "contact_id": contacts_of[customer["id"]],
                "owner_id": owner,
                "pipeline_id": stage.pipeline_id,
                "stage_id": stage.id,
                "amount": draw.amount(),
                "currency": currencies[0] if i % 5 else currencies[1],
                "probability": stage.probability,
                "expected_close_on": date.today() + timedelta(days=draw.days(-60, 180)),
                "status": status,
                "closed_at": None if status == "open" else now - timedelta(days=draw.days(1, 60)),
                "lost_reason": "Went with a competitor" if status == "lost" else None,
            }
        )
        first = stages[0]
        event = {"deal_id": deal_id, "changed_by": owner}
        changes.append(
            base
            | event
            | {"id": draw.id(), "from_stage_id": None, "to_stage_id": first.id, "event": "created"}
        )
        if stage.id != first.id:
            kind = "moved" if status == "open" else status
            changes.append(
                base
                | event
                | {
                    "id": draw.id(),
                    "from_stage_id": first.id,
                    "to_stage_id": stage.id,
                    "event": kind,
                }
            )
    return deal_rows, changes


def _leads(
    draw: Draw, base: dict[str, Any], customer_rows: list[dict[str, Any]], owners: list[UUID]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(LEADS):
        first, last = draw.person()
        converted = customer_rows[i] if i < 20 else None
        rows.append(
            base
            | {
                "id": draw.id(),
                "name": f"{first} {last}",
                "company": f"{draw.pick(WORDS)} {draw.pick(TRADES)}",
                "email": f"{first}.{last}.{i}@lead.example".lower(),
                "phone": f"+1 555 {1000 + i}",
                "source": draw.pick(SOURCES),
                "status": "converted"
                if converted
                else draw.pick(("new", "new", "contacted", "qualified", "disqualified")),
                "owner_id": owners[i % 2],
                "converted_customer_id": converted["id"] if converted else None,
                "converted_at": datetime.now(UTC) if converted else None,
            }
        )
    return rows


def _activities(
    draw: Draw,
    base: dict[str, Any],
    lead_rows: list[dict[str, Any]],
    deal_rows: list[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(ACTIVITIES):
        kind = draw.pick(tuple(SUBJECTS))
        on_deal = i % 3 != 0
        parent = draw.pick(deal_rows if on_deal else lead_rows)
        due = now + timedelta(days=draw.days(-20, 30), hours=draw.days(0, 8))
        done = kind == "note" or draw.rng.random() < 0.4
        rows.append(
            base
            | {
                "id": draw.id(),
                "kind": kind,
                "subject": SUBJECTS[kind],
                "due_at": None if kind == "note" else due,
                "completed_at": now if done else None,
                "assigned_to": parent["owner_id"],
                "created_by": parent["owner_id"],
                "deal_id": parent["id"] if on_deal else None,
                "customer_id": parent["customer_id"] if on_deal else None,
                "lead_id": None if on_deal else parent["id"],
            }
        )
    return rows
