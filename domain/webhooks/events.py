"""What each event tells a partner: global ids (the API's own, see domain.ids) and the
few fields an integration acts on — status, number, amounts with their currency. Never
costs, margins, salaries or free-text notes: a payload leaves the tenant's control."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.ids import global_id
from domain.money import decimal_string

Payload = dict[str, Any]

# the entity each top-level key of a payload's `data` stands for; its keys are that
# entity's API field names
CARRIED = {"deal": "Deal", "order": "SalesOrder", "invoice": "Invoice", "payment": "Payment"}


def _id(type_name: str, value: UUID | None) -> str | None:
    return global_id(type_name, value) if value is not None else None


def money(value: Decimal, currency: str) -> dict[str, str]:
    """Decimal strings, as the API gives them: a float would round."""
    return {"amount": decimal_string(value), "currency": currency}


def deal(row: Any) -> Payload:
    return {
        "deal": {
            "id": global_id("Deal", row.id),
            "title": row.title,
            "status": row.status,
            "amount": money(row.amount, row.currency),
            "customer": _id("Customer", row.customer_id),
        }
    }


def order(row: Any) -> Payload:
    return {
        "order": {
            "id": global_id("SalesOrder", row.id),
            "status": row.status,
            "total": money(row.total, row.currency),
            "customer": _id("Customer", row.customer_id),
            "deal": _id("Deal", row.deal_id),
        }
    }


def _invoice(row: Any, due: Decimal) -> Payload:
    return {
        "id": global_id("Invoice", row.id),
        "number": row.number,
        "status": row.status,
        "total": money(row.total, row.currency),
        "amountDue": money(due, row.currency),
        "dueDate": row.due_date.isoformat() if row.due_date else None,
        "customer": _id("Customer", row.customer_id),
        "order": _id("SalesOrder", row.order_id),
    }


def invoice(row: Any, due: Decimal) -> Payload:
    return {"invoice": _invoice(row, due)}


def payment(row: Any, invoice_row: Any, due: Decimal) -> Payload:
    return {
        "payment": {
            "id": global_id("Payment", row.id),
            "amount": money(row.amount, row.currency),
            "paidOn": row.paid_on.isoformat(),
        },
        "invoice": _invoice(invoice_row, due),
    }


def carried_fields(data: Payload) -> dict[str, tuple[str, ...]]:
    """Entity -> the fields a payload's `data` shows of it (an amount shows its entity's
    currency too). A key this module does not know stands for no entity, so no role
    may read it: a payload shape added without its entity here fails closed."""
    carried: dict[str, tuple[str, ...]] = {}
    for key, body in data.items():
        entity = CARRIED.get(key, f"unknown payload key {key!r}")
        names = [name for name in body if name != "id"] if isinstance(body, dict) else [key]
        if isinstance(body, dict) and any(_is_money(v) for v in body.values()):
            names.append("currency")
        carried[entity] = (*carried.get(entity, ()), *names)
    return carried


def _is_money(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"amount", "currency"}
