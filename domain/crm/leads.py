"""Leads: capture with a per-tenant duplicate check by email, edit, convert."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.customers import CustomerDraft, create_contact, create_customer
from domain.crm.deals import DealDraft, create_deal
from domain.crm.errors import CrmError
from domain.crm.models import leads
from domain.errors import DomainError, ErrorCode
from domain.kit.checks import choice, email, optional_text, required_text
from domain.kit.patch import UNSET, patch
from domain.kit.rows import check_version, fetch_one, require_user, update_versioned
from domain.scope import check_assignee, in_scope
from tenants.principal import Actor

ENTITY = "Lead"
EDITABLE_STATUSES = ("new", "contacted", "qualified", "disqualified")


@dataclass(frozen=True)
class LeadDraft:
    name: str
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None
    status: str = "new"
    owner_id: UUID | None = None
    notes: str | None = None


async def _refuse_duplicate(
    conn: AsyncConnection, actor: Actor, address: str | None, skip: UUID | None
) -> None:
    """The check spans the tenant (emails are unique per tenant), but it names the other
    lead only when the caller may see it: out of scope, nothing about it is revealed."""
    if address is None:
        return
    visible = in_scope(actor, ENTITY).label("visible")
    query = sa.select(leads.c.name, visible).where(sa.func.lower(leads.c.email) == address.lower())
    if skip is not None:
        query = query.where(leads.c.id != skip)
    existing = (await conn.execute(query.order_by(visible.desc()).limit(1))).first()
    if existing is not None:
        raise duplicate(existing.name if existing.visible else None)


def duplicate(name: str | None) -> DomainError:
    named = f": {name}" if name is not None else ""
    return DomainError(
        f"A lead with this email already exists{named}.", field="email", code=ErrorCode.DUPLICATE
    )


@asynccontextmanager
async def _email_race() -> AsyncIterator[None]:
    """A concurrent write of the same email that won the race after our check."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        if "ux_leads_email" in str(exc.orig):
            raise duplicate(None) from None
        raise


async def create_lead(conn: AsyncConnection, actor: Actor, draft: LeadDraft) -> sa.Row[Any]:
    values: dict[str, Any] = {
        "name": required_text(draft.name, "name", max_length=200),
        "company": optional_text(draft.company, "company", max_length=200),
        "email": email(draft.email),
        "phone": optional_text(draft.phone, "phone", max_length=50),
        "source": optional_text(draft.source, "source", max_length=100),
        "status": choice(draft.status, EDITABLE_STATUSES, "status"),
        "owner_id": draft.owner_id or actor.user_id,
        "notes": optional_text(draft.notes, "notes"),
    }
    await check_assignee(conn, actor, ENTITY, values["owner_id"])
    if draft.owner_id is not None:
        await require_user(conn, draft.owner_id, "owner")
    await _refuse_duplicate(conn, actor, values["email"], None)
    statement = sa.insert(leads).values(tenant_id=actor.tenant_id, **values).returning(*leads.c)
    async with _email_race():
        return (await conn.execute(statement)).one()


async def update_lead(
    conn: AsyncConnection,
    actor: Actor,
    lead_id: UUID,
    version: int | None,
    *,
    name: Any = UNSET,
    company: Any = UNSET,
    email_address: Any = UNSET,
    phone: Any = UNSET,
    source: Any = UNSET,
    status: Any = UNSET,
    owner_id: Any = UNSET,
    notes: Any = UNSET,
) -> sa.Row[Any]:
    scope = in_scope(actor, ENTITY)
    current = await fetch_one(conn, leads, lead_id, where=scope, label="lead")
    changes = patch(
        {
            "name": name if name is UNSET else required_text(name, "name", max_length=200),
            "company": company if company is UNSET else optional_text(company, "company"),
            "email": email_address if email_address is UNSET else email(email_address),
            "phone": phone if phone is UNSET else optional_text(phone, "phone", max_length=50),
            "source": source if source is UNSET else optional_text(source, "source"),
            "status": status if status is UNSET else choice(status, EDITABLE_STATUSES, "status"),
            "owner_id": owner_id,
            "notes": notes if notes is UNSET else optional_text(notes, "notes"),
        }
    )
    if current.status == "converted" and "status" in changes:
        raise DomainError("A converted lead keeps its status.", field="status")
    if "owner_id" in changes:
        if changes["owner_id"] is None:
            raise DomainError("A lead needs an owner.", field="owner")
        await check_assignee(conn, actor, ENTITY, changes["owner_id"])
        await require_user(conn, changes["owner_id"], "owner")
    if changes.get("email") is not None:
        await _refuse_duplicate(conn, actor, changes["email"], lead_id)
    async with _email_race():
        return await update_versioned(
            conn, leads, lead_id, version, changes, where=scope, label="lead"
        )


@dataclass(frozen=True)
class Conversion:
    lead: sa.Row[Any]
    customer: sa.Row[Any]
    contact: sa.Row[Any]
    deal: sa.Row[Any] | None


@dataclass(frozen=True)
class ConversionDeal:
    """The optional deal of a conversion; the customer and contact come from the lead."""

    amount: Any
    currency: str
    title: str | None = None
    pipeline_id: UUID | None = None
    stage_id: UUID | None = None
    expected_close_on: Any = None


async def convert_lead(
    conn: AsyncConnection,
    actor: Actor,
    lead_id: UUID,
    version: int | None,
    deal: ConversionDeal | None = None,
) -> Conversion:
    """Customer + contact (+ deal) from a lead, all or nothing: the caller runs this in
    one savepoint, so any failure leaves neither customer nor contact nor deal behind."""
    lead = await fetch_one(
        conn, leads, lead_id, where=in_scope(actor, ENTITY), label="lead", lock=True
    )
    check_version(lead.version, version, "lead")
    if lead.status == "converted":
        raise DomainError(
            "This lead was converted already.", field="id", code=CrmError.ALREADY_CONVERTED
        )
    if lead.status == "disqualified":
        raise DomainError("A disqualified lead cannot be converted.", field="id")
    customer = await create_customer(
        conn,
        actor,
        CustomerDraft(
            name=lead.company or lead.name,
            kind="company" if lead.company else "person",
            email=lead.email,
            phone=lead.phone,
            owner_id=lead.owner_id,
            notes=lead.notes,
        ),
    )
    contact = await create_contact(
        conn,
        actor,
        customer_id=customer.id,
        name=lead.name,
        email_address=lead.email,
        phone=lead.phone,
        owner_id=lead.owner_id,
    )
    created = None
    if deal is not None:
        created = await create_deal(
            conn,
            actor,
            DealDraft(
                title=deal.title or f"{customer.name} deal",
                customer_id=customer.id,
                contact_id=contact.id,
                owner_id=lead.owner_id,
                amount=deal.amount,
                currency=deal.currency,
                pipeline_id=deal.pipeline_id,
                stage_id=deal.stage_id,
                expected_close_on=deal.expected_close_on,
                lead_id=lead.id,
            ),
        )
    converted = await update_versioned(
        conn,
        leads,
        lead.id,
        lead.version,
        {
            "status": "converted",
            "converted_customer_id": customer.id,
            "converted_deal_id": created.id if created is not None else None,
            "converted_at": sa.func.now(),
        },
        label="lead",
    )
    return Conversion(converted, customer, contact, created)
