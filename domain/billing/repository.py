"""Billing reads: invoice pages and lookups, and their lines, payments and credit notes
for a whole page at once (one statement per relation, whatever the page size).

Record scope (domain/scope.py): invoices have no owner of their own; an invoice is its
sales order's (a role whose Invoice scope is `own` sees the invoices of the orders it
owns), and its lines, payments and credit notes are the invoice's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.models import ENTITIES, credit_notes, invoices, payments
from domain.entity import stored
from domain.kit.children import Children
from domain.kit.computed import Computed
from domain.pagination import Listing
from domain.scope import in_scope
from tenants.principal import Actor

ENTITY = "Invoice"
OPEN = ("issued", "partially_paid")
STATUSES = ("draft", "issued", "partially_paid", "paid", "void")

NO_DATE = sa.literal(date(1900, 1, 1), sa.Date)
# what a missing value sorts as (keyset paging needs no NULLs): before every other
EMPTY: dict[type, Any] = {str: "", date: NO_DATE}


def _sort_key(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    if not column.nullable:
        return column
    empty = EMPTY[column.type.python_type]
    return sa.func.coalesce(column, empty).label(f"sort_{column.name}")


# the sort keys a client may page by (catalog fields; their columns: the description)
SORT_KEYS: dict[str, sa.ColumnElement[Any]] = {
    name: _sort_key(column)
    for name, column in stored(ENTITIES, ENTITY)
    .sort_columns("createdAt", "total", "number", "issueDate", "dueDate")
    .items()
}


def today_utc() -> date:
    return datetime.now(UTC).date()


def amount_due(row: Any) -> Decimal:
    """What the customer still owes: nothing on a void invoice."""
    if row.status == "void":
        return Decimal(0)
    return Decimal(row.total - row.amount_paid - row.amount_credited)


def is_overdue(row: Any, today: date | None = None) -> bool:
    return row.status in OPEN and row.due_date is not None and row.due_date < (today or today_utc())


def overdue_condition(today: date | sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    return sa.and_(invoices.c.status.in_(OPEN), invoices.c.due_date < today)


# amount_due and is_overdue in SQL, for reads that select them (the compiled read path):
# tests/integration/test_sql_twins.py holds both forms equal
INVOICE_DERIVED = Computed(
    invoices,
    invoices,
    {
        "amountDue": sa.case(
            (invoices.c.status == "void", sa.literal(Decimal(0), invoices.c.total.type)),
            else_=invoices.c.total - invoices.c.amount_paid - invoices.c.amount_credited,
        ),
        "overdue": sa.func.coalesce(
            overdue_condition(sa.cast(sa.func.timezone("UTC", sa.func.now()), sa.Date)),
            sa.false(),
        ),
    },
)


@dataclass(frozen=True)
class InvoiceFilter:
    statuses: Sequence[str] | None = None
    customer_id: UUID | None = None
    overdue: bool | None = None


def _filtered(actor: Actor, where: InvoiceFilter, today: date) -> list[sa.ColumnElement[bool]]:
    conditions = [in_scope(actor, ENTITY)]
    if where.statuses:
        conditions.append(invoices.c.status.in_(list(where.statuses)))
    if where.customer_id is not None:
        conditions.append(invoices.c.customer_id == where.customer_id)
    if where.overdue is not None:
        overdue = overdue_condition(today)
        conditions.append(overdue if where.overdue else sa.not_(overdue))
    return conditions


def invoice_listing(
    actor: Actor, where: InvoiceFilter, sort_key: str = "createdAt", descending: bool = False
) -> Listing:
    """Invoices in the actor's record scope under `where`, in keyset order."""
    sort = SORT_KEYS[sort_key]
    extra = [sort] if isinstance(sort, sa.Label) else []
    query = sa.select(*invoices.c, *extra).where(*_filtered(actor, where, today_utc()))
    return Listing(query, sort, invoices.c.id, descending)


async def get_invoice(conn: AsyncConnection, actor: Actor, invoice_id: UUID) -> Any | None:
    query = sa.select(invoices).where(invoices.c.id == invoice_id, in_scope(actor, ENTITY))
    return (await conn.execute(query)).first()


async def get_payment(conn: AsyncConnection, actor: Actor, payment_id: UUID) -> Any | None:
    return await _one(conn, actor, "Payment", payments, payment_id)


async def get_credit_note(conn: AsyncConnection, actor: Actor, note_id: UUID) -> Any | None:
    return await _one(conn, actor, "CreditNote", credit_notes, note_id)


async def _one(
    conn: AsyncConnection, actor: Actor, entity: str, table: sa.Table, row_id: UUID
) -> Any | None:
    query = sa.select(table).where(table.c.id == row_id, in_scope(actor, entity))
    return (await conn.execute(query)).first()


# an invoice's lists, as Invoice.lines / payments / creditNotes show them
LINES = Children("InvoiceLine", "invoice_id", ("position",))
PAYMENTS = Children("Payment", "invoice_id", ("paid_on", "created_at"))
CREDIT_NOTES = Children("CreditNote", "invoice_id", ("sequence",))


async def lines_by_invoice(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, list[Any]]:
    return await LINES.load(conn, actor, list(ids))


async def payments_by_invoice(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, list[Any]]:
    return await PAYMENTS.load(conn, actor, list(ids))


async def credit_notes_by_invoice(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, list[Any]]:
    return await CREDIT_NOTES.load(conn, actor, list(ids))


async def invoices_by_id(
    conn: AsyncConnection, actor: Actor, ids: Iterable[UUID]
) -> dict[UUID, Any]:
    query = sa.select(invoices).where(invoices.c.id.in_(list(ids)), in_scope(actor, ENTITY))
    return {row.id: row for row in (await conn.execute(query)).all()}


async def invoices_by_order(
    conn: AsyncConnection, actor: Actor, order_ids: Iterable[UUID]
) -> dict[UUID, list[Any]]:
    """Each order's invoices (void ones too), newest first, within the caller's scope."""
    out: dict[UUID, list[Any]] = defaultdict(list)
    query = (
        sa.select(invoices)
        .where(invoices.c.order_id.in_(list(order_ids)), in_scope(actor, ENTITY))
        .order_by(
            invoices.c.order_id,
            invoices.c.created_at.desc(),
            invoices.c.number.desc().nulls_first(),  # made in one transaction: by number
            invoices.c.id,
        )
    )
    for row in (await conn.execute(query)).all():
        out[row.order_id].append(row)
    return out
