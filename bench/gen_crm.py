"""Front-office rows (migration 0003): customers, contacts, the default pipeline, deals
with their stage history, leads and activities."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from bench.data import Dataset, Section, Tenant, moment, new_id, stamped
from domain.crm.defaults import DEFAULT_STAGES

STAGES = DEFAULT_STAGES  # what every tenant starts with: name, probability %, won, lost
OPEN_STAGES = 4  # the first four are open
WORDS = [
    "Alpha",
    "Beta",
    "Cedar",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Onyx",
    "Pioneer",
    "Quartz",
    "Ridge",
    "Summit",
    "Tundra",
    "Umber",
    "Vertex",
    "Willow",
    "Xenon",
    "Yarrow",
    "Zephyr",
]
SUFFIXES = ("Ltd", "GmbH", "Inc", "SA", "BV", "Group", "Labs", "Partners")
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kai",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Pia",
]
LAST = [
    "Adler",
    "Brandt",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kowalski",
]
CURRENCY = "EUR"


def company(rng: random.Random, n: int) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)} {n}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# The first customers have no credit limit: M1 orders for them over and over
# (bench/workloads.py: m1_orders) to measure stock reservation, not credit control.
OPEN_CREDIT = 50


def _customers(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    reps = tenant.users["sales_rep"]
    customers, contacts = [], {}
    for n in range(ds.count(300, tenant)):
        cid = new_id(rng)
        at = moment(rng, 730)
        kind = "company" if rng.random() < 0.85 else "person"
        name = company(rng, n) if kind == "company" else f"{person(rng)} {n}"
        limit = Decimal(rng.randrange(5, 200) * 1000)
        ds.add(
            "customers",
            tenant_id=tenant.id,
            id=cid,
            name=name,
            kind=kind,
            email=f"contact{n}@customer{n}.example",
            phone=f"+49 30 {rng.randrange(10**6, 10**7)}",
            tax_id=f"DE{rng.randrange(10**8, 10**9)}" if kind == "company" else None,
            owner_id=rng.choice(reps),
            billing_address=None,
            shipping_address=None,
            credit_limit=None if n < OPEN_CREDIT else limit,
            credit_currency=None if n < OPEN_CREDIT else CURRENCY,
            payment_terms_days=rng.choice((14, 30, 30, 45, 60)),
            notes=None,
            **stamped(at),
        )
        customers.append(cid)
        contacts[cid] = []
        for _ in range(1 if kind == "person" else rng.randrange(0, 3)):
            contact = new_id(rng)
            contacts[cid].append(contact)
            ds.add(
                "contacts",
                tenant_id=tenant.id,
                id=contact,
                customer_id=cid,
                name=person(rng),
                email=None,
                phone=None,
                title=rng.choice(("CEO", "CFO", "Buyer", "Head of Ops", None)),
                owner_id=None,
                **stamped(at),
            )
    tenant.refs["customers"] = customers
    tenant.refs["contacts"] = contacts


def _pipeline(ds: Dataset, tenant: Tenant, rng: random.Random) -> list[tuple]:
    pipeline = new_id(rng)
    tenant.refs["pipeline"] = pipeline
    ds.add(
        "pipelines",
        tenant_id=tenant.id,
        id=pipeline,
        name="Sales",
        is_default=True,
        **stamped(moment(rng, 800)),
    )
    stages = []
    for position, (name, probability, won, lost) in enumerate(STAGES):
        stage = new_id(rng)
        stages.append((stage, Decimal(probability), won, lost))
        ds.add(
            "pipeline_stages",
            tenant_id=tenant.id,
            id=stage,
            pipeline_id=pipeline,
            name=name,
            position=position,
            probability=Decimal(probability),
            is_won=won,
            is_lost=lost,
            **stamped(moment(rng, 800)),
        )
    return stages


def _deals(ds: Dataset, tenant: Tenant, rng: random.Random, stages: list[tuple]) -> None:
    reps = tenant.users["sales_rep"]
    customers = tenant.refs["customers"]
    deals, by_customer = [], {}
    for n in range(ds.count(800, tenant)):
        deal = new_id(rng)
        customer = rng.choice(customers)
        owner = rng.choice(reps)
        at = moment(rng, 365)
        reached = rng.choices(range(len(STAGES)), weights=(30, 20, 15, 10, 15, 10))[0]
        stage, probability, won, lost = stages[reached]
        status = "won" if won else "lost" if lost else "open"
        closed = at + timedelta(days=rng.randrange(5, 90)) if status != "open" else None
        contact_ids = tenant.refs["contacts"][customer]
        ds.add(
            "deals",
            tenant_id=tenant.id,
            id=deal,
            title=f"{rng.choice(WORDS)} deal {n}",
            customer_id=customer,
            contact_id=contact_ids[0] if contact_ids else None,
            owner_id=owner,
            pipeline_id=tenant.refs["pipeline"],
            stage_id=stage,
            amount=Decimal(rng.randrange(500, 250_000)),
            currency=CURRENCY,
            probability=probability,
            expected_close_on=(at + timedelta(days=rng.randrange(10, 120))).date(),
            status=status,
            closed_at=closed,
            lost_reason="price" if lost else None,
            lead_id=None,
            **stamped(at),
        )
        deals.append(deal)
        by_customer.setdefault(customer, []).append(deal)
        # history: created in the first stage, moved forward to where it is now
        path = list(range(min(reached, OPEN_STAGES - 1) + 1))
        if reached >= OPEN_STAGES:
            path.append(reached)
        previous = None
        when = at
        for step, index in enumerate(path):
            event = "created" if step == 0 else "won" if won and index == reached else "moved"
            if lost and index == reached and step:
                event = "lost"
            ds.add(
                "deal_stage_changes",
                tenant_id=tenant.id,
                id=new_id(rng),
                deal_id=deal,
                from_stage_id=previous,
                to_stage_id=stages[index][0],
                changed_by=owner,
                changed_at=when,
                event=event,
                **stamped(when),
            )
            previous = stages[index][0]
            when += timedelta(days=rng.randrange(1, 20))
    tenant.refs["deals"] = deals
    tenant.refs["deals_by_customer"] = by_customer


def _leads_and_activities(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    reps = tenant.users["sales_rep"]
    leads = []
    for n in range(ds.count(200, tenant)):
        lead = new_id(rng)
        leads.append(lead)
        ds.add(
            "leads",
            tenant_id=tenant.id,
            id=lead,
            name=person(rng),
            company=company(rng, n),
            email=f"lead{n}@{tenant.slug}-leads.example",
            phone=None,
            source=rng.choice(("web", "referral", "event", "cold call")),
            status=rng.choice(("new", "contacted", "qualified", "disqualified")),
            owner_id=rng.choice(reps),
            notes=None,
            converted_customer_id=None,
            converted_deal_id=None,
            converted_at=None,
            **stamped(moment(rng, 365)),
        )
    deals, customers = tenant.refs["deals"], tenant.refs["customers"]
    for n in range(ds.count(800, tenant)):
        at = moment(rng, 365)
        target = rng.random()
        done = rng.random() < 0.6
        ds.add(
            "activities",
            tenant_id=tenant.id,
            id=new_id(rng),
            kind=rng.choice(("call", "email", "meeting", "note", "task")),
            subject=f"Follow-up {n}",
            notes=None,
            due_at=at + timedelta(days=rng.randrange(1, 30)),
            completed_at=at + timedelta(days=1) if done else None,
            assigned_to=rng.choice(reps),
            created_by=rng.choice(reps),
            lead_id=rng.choice(leads) if target < 0.2 else None,
            deal_id=rng.choice(deals) if 0.2 <= target < 0.7 else None,
            customer_id=rng.choice(customers) if target >= 0.7 else None,
            **stamped(at),
        )


def generate(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    _customers(ds, tenant, rng)
    stages = _pipeline(ds, tenant, rng)
    _deals(ds, tenant, rng, stages)
    _leads_and_activities(ds, tenant, rng)


CRM = Section(
    "crm",
    (
        "customers",
        "contacts",
        "pipelines",
        "pipeline_stages",
        "deals",
        "deal_stage_changes",
        "leads",
        "activities",
    ),
    generate,
)
