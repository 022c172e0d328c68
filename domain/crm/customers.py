"""Customers (companies or people) and their contacts. Orders and invoices reuse them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.crm.models import contacts, customers
from domain.errors import DomainError
from domain.kit.checks import choice, email, money, optional_text, required_text
from domain.kit.patch import UNSET, patch
from domain.kit.rows import fetch_one, require_user, update_versioned
from domain.money import currency
from domain.scope import check_assignee, in_scope
from tenants.principal import Actor

KINDS = ("company", "person")
ADDRESS_KEYS = ("line1", "line2", "city", "region", "postalCode", "country")


@dataclass(frozen=True)
class CustomerDraft:
    name: str
    kind: str = "company"
    email: str | None = None
    phone: str | None = None
    tax_id: str | None = None
    owner_id: UUID | None = None
    billing_address: dict[str, Any] | None = None
    shipping_address: dict[str, Any] | None = None
    credit_limit: Decimal | str | None = None
    credit_currency: str | None = None
    payment_terms_days: int | None = None
    notes: str | None = None


def address(value: dict[str, Any] | None, field: str) -> dict[str, Any] | None:
    if value is None:
        return None
    out = {k: optional_text(value.get(k), f"{field}.{k}", max_length=200) for k in ADDRESS_KEYS}
    country = out.get("country")
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise DomainError("country is an ISO 3166 two-letter code.", field=f"{field}.country")
    out["country"] = country.upper() if country else None
    return {k: v for k, v in out.items() if v is not None} or None


def _credit(limit: Any, code: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if limit is not UNSET:
        out["credit_limit"] = None if limit is None else money(limit, "creditLimit")
    if code is not UNSET:
        out["credit_currency"] = None if code is None else currency(code, field="creditCurrency")
    return out


def _terms(days: Any) -> int:
    if not isinstance(days, int) or not 0 <= days <= 365:
        raise DomainError("paymentTermsDays is between 0 and 365.", field="paymentTermsDays")
    return days


async def require_customer(
    conn: AsyncConnection, actor: Actor, customer_id: UUID, field: str = "customer"
) -> sa.Row[Any]:
    """A customer the actor may see (record scope), else NOT_FOUND on `field`."""
    scope = in_scope(actor, "Customer")
    return await fetch_one(conn, customers, customer_id, where=scope, label="customer", field=field)


async def require_contact(
    conn: AsyncConnection, actor: Actor, contact_id: UUID, field: str = "contact"
) -> sa.Row[Any]:
    scope = in_scope(actor, "Contact")
    return await fetch_one(conn, contacts, contact_id, where=scope, label="contact", field=field)


async def create_customer(conn: AsyncConnection, actor: Actor, draft: CustomerDraft) -> sa.Row[Any]:
    values: dict[str, Any] = {
        "name": required_text(draft.name, "name", max_length=300),
        "kind": choice(draft.kind, KINDS, "kind"),
        "email": email(draft.email),
        "phone": optional_text(draft.phone, "phone", max_length=50),
        "tax_id": optional_text(draft.tax_id, "taxId", max_length=50),
        "owner_id": draft.owner_id or actor.user_id,
        "billing_address": address(draft.billing_address, "billingAddress"),
        "shipping_address": address(draft.shipping_address, "shippingAddress"),
        "notes": optional_text(draft.notes, "notes"),
        **_credit(draft.credit_limit, draft.credit_currency),
    }
    if draft.payment_terms_days is not None:
        values["payment_terms_days"] = _terms(draft.payment_terms_days)
    _check_credit(values.get("credit_limit"), values.get("credit_currency"))
    await check_assignee(conn, actor, "Customer", values["owner_id"])
    if draft.owner_id is not None:
        await require_user(conn, draft.owner_id, "owner")
    return (
        await conn.execute(
            sa.insert(customers).values(tenant_id=actor.tenant_id, **values).returning(*customers.c)
        )
    ).one()


def _check_credit(limit: Decimal | None, code: str | None) -> None:
    if limit is not None and code is None:
        raise DomainError("A credit limit needs its currency.", field="creditCurrency")


async def update_customer(
    conn: AsyncConnection,
    actor: Actor,
    customer_id: UUID,
    version: int | None,
    fields: dict[str, Any],
) -> sa.Row[Any]:
    """`fields` holds only what the client sent, keyed by column name."""
    current = await require_customer(conn, actor, customer_id, "id")
    checks: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: required_text(v, "name", max_length=300),
        "kind": lambda v: choice(v, KINDS, "kind"),
        "email": email,
        "phone": lambda v: optional_text(v, "phone", max_length=50),
        "tax_id": lambda v: optional_text(v, "taxId", max_length=50),
        "billing_address": lambda v: address(v, "billingAddress"),
        "shipping_address": lambda v: address(v, "shippingAddress"),
        "notes": lambda v: optional_text(v, "notes"),
        "payment_terms_days": _terms,
        "owner_id": lambda v: v,
    }
    changes = {k: checks[k](v) for k, v in fields.items() if k in checks}
    changes |= _credit(fields.get("credit_limit", UNSET), fields.get("credit_currency", UNSET))
    _check_credit(
        changes.get("credit_limit", current.credit_limit),
        changes.get("credit_currency", current.credit_currency),
    )
    if changes.get("owner_id") is not None:
        await check_assignee(conn, actor, "Customer", changes["owner_id"])
        await require_user(conn, changes["owner_id"], "owner")
    scope = in_scope(actor, "Customer")
    return await update_versioned(
        conn, customers, customer_id, version, changes, where=scope, label="customer"
    )


async def create_contact(
    conn: AsyncConnection,
    actor: Actor,
    *,
    customer_id: UUID,
    name: str,
    email_address: str | None = None,
    phone: str | None = None,
    title: str | None = None,
    owner_id: UUID | None = None,
) -> sa.Row[Any]:
    values = {
        "name": required_text(name, "name", max_length=200),
        "email": email(email_address),
        "phone": optional_text(phone, "phone", max_length=50),
        "title": optional_text(title, "title", max_length=200),
    }
    await require_customer(conn, actor, customer_id)
    await check_assignee(conn, actor, "Contact", owner_id or actor.user_id)
    if owner_id is not None:
        await require_user(conn, owner_id, "owner")
    return (
        await conn.execute(
            sa.insert(contacts)
            .values(
                tenant_id=actor.tenant_id,
                customer_id=customer_id,
                owner_id=owner_id or actor.user_id,
                **values,
            )
            .returning(*contacts.c)
        )
    ).one()


async def update_contact(
    conn: AsyncConnection,
    actor: Actor,
    contact_id: UUID,
    version: int | None,
    fields: dict[str, Any],
) -> sa.Row[Any]:
    """`fields` holds only what the client sent (name, email, phone, title, owner_id)."""
    checks: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: required_text(v, "name", max_length=200),
        "email": email,
        "phone": lambda v: optional_text(v, "phone", max_length=50),
        "title": lambda v: optional_text(v, "title", max_length=200),
        "owner_id": lambda v: v,
    }
    changes = patch({k: checks[k](v) for k, v in fields.items() if k in checks})
    if changes.get("owner_id") is not None:
        await check_assignee(conn, actor, "Contact", changes["owner_id"])
        await require_user(conn, changes["owner_id"], "owner")
    scope = in_scope(actor, "Contact")
    return await update_versioned(
        conn, contacts, contact_id, version, changes, where=scope, label="contact"
    )
