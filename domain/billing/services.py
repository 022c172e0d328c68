"""Billing use cases: draft an invoice from an order, edit the draft, issue it (gapless
number, due date from the customer's terms), record payments, credit and void it.

Every write locks the invoice row first (SELECT … FOR UPDATE), so concurrent payments
or credits are checked against what is really left; the CHECK constraints and the
immutability triggers of migration 0004 are the backstop. Failures raise domain
errors, and every use case here raises them before its first write (its locks and
checks first, then writes that cannot be refused), so a refusal leaves nothing to
undo: api/billing/mutations.py runs them `checks_first`, without a savepoint.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.billing.errors import BillingError
from domain.billing.models import credit_notes, invoice_lines, invoices, payments
from domain.billing.numbering import (
    CREDIT_NOTE_SERIES,
    format_number,
    next_number,
)
from domain.billing.repository import amount_due, today_utc
from domain.crm.models import customers
from domain.errors import DomainError, ErrorCode, NotFound
from domain.inventory.models import products
from domain.kit.rows import check_version
from domain.money import CURRENCIES, currency, round_money
from domain.money import amount as money_amount
from domain.sales.models import line_columns, sales_order_lines, sales_orders
from domain.scope import in_scope
from domain.webhooks import events
from domain.webhooks.outbox import event_parameters, queued
from tenants.principal import Actor

INVOICEABLE_ORDERS = ("confirmed", "fulfilled")
LARGEST = Decimal(10) ** 14  # numeric(18, 4)
IMMUTABLE = "Issued invoices are immutable: correct them with a credit note or void them."


# What an invoice and an order hold at most: the writes below count what is there under
# the invoice's (the order's) row lock and refuse one more (TOO_MANY); api/cost.py
# counts the same constants for `Invoice.payments`, `creditNotes`, `SalesOrder.invoices`.
PAYMENTS_PER_INVOICE = 100
CREDIT_NOTES_PER_INVOICE = 20
INVOICES_PER_ORDER = 20  # one live invoice, the others void


async def _refuse_one_more(
    conn: AsyncConnection, key: sa.Column[Any], value: UUID, limit: int, what: str, field: str
) -> None:
    """Refuse a row past `limit` rows with `key = value` (the parent row is locked)."""
    held = await conn.scalar(sa.select(sa.func.count()).where(key == value))
    if held is not None and held >= limit:
        raise DomainError(f"At most {limit} {what}.", field=field, code=BillingError.TOO_MANY)


def _state_error(message: str, field: str | None = "id") -> DomainError:
    return DomainError(message, field=field, code=ErrorCode.INVALID_STATE)


async def _lock_invoice(
    conn: AsyncConnection, actor: Actor, invoice_id: UUID, version: int | None, field: str
) -> Any:
    query = (
        sa.select(invoices)
        .where(invoices.c.id == invoice_id, in_scope(actor, "Invoice"))
        .with_for_update(of=invoices)
    )
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFound("No such invoice.", field=field)
    check_version(row.version, version, "invoice")
    return row


async def _update(
    conn: AsyncConnection, invoice_id: UUID, *, event: dict[str, Any] | None = None, **values: Any
) -> Any:
    """UPDATE of an invoice the caller holds locked, version bumped; with `event`
    (domain.webhooks.outbox.event_parameters), its deliveries are queued by the same
    statement."""
    statement = (
        invoices.update()
        .where(invoices.c.id == invoice_id)
        .values(**values, version=invoices.c.version + 1)
        .returning(*invoices.c)
    )
    if event is None:
        return (await conn.execute(statement)).one()
    return (await conn.execute(statement.add_cte(queued()), event)).one()


def _as_updated(invoice: Any, **values: Any) -> Any:
    """The locked invoice as `_update(**values)` will leave it, for an event's payload
    sent in the same statement (a payload carries no timestamp or version)."""
    return SimpleNamespace(**{**invoice._mapping, **values})


# --------------------------------------------------------------------------- drafts
async def create_invoice_from_order(
    conn: AsyncConnection, actor: Actor, order_id: UUID, notes: str = ""
) -> Any:
    """A draft invoice with the order's lines, amounts copied as the order priced them."""
    order_query = sa.select(sales_orders).where(
        sales_orders.c.id == order_id, in_scope(actor, "SalesOrder")
    )
    order = (await conn.execute(order_query.with_for_update())).first()
    if order is None:
        raise NotFound("No such order.", field="orderId")
    if order.status not in INVOICEABLE_ORDERS:
        raise _state_error(
            f"Only confirmed or fulfilled orders can be invoiced; this one is {order.status}.",
            "orderId",
        )
    held = await _invoices_and_lines_of(conn, order_id)
    if held.live:
        raise DomainError(
            "This order has an invoice already.", field="orderId", code=ErrorCode.DUPLICATE
        )
    if held.invoices >= INVOICES_PER_ORDER:
        raise DomainError(
            f"At most {INVOICES_PER_ORDER} invoices per order.",
            field="orderId",
            code=BillingError.TOO_MANY,
        )
    if not held.lines:
        raise _state_error("The order has no lines to invoice.", "orderId")
    invoice = (
        invoices.insert()
        .values(
            tenant_id=actor.tenant_id,
            customer_id=order.customer_id,
            order_id=order.id,
            status="draft",
            currency=order.currency,
            series="INV",
            notes=notes,
            subtotal=held.subtotal,
            tax_total=held.tax_total,
            total=held.subtotal + held.tax_total,
            amount_paid=0,
            amount_credited=0,
            void_reason="",
        )
        .returning(*invoices.c)
        .cte("new_invoice")
    )
    copied = _copied_lines(invoice, order_id).cte("new_lines")
    return (await conn.execute(sa.select(invoice).add_cte(copied))).one()


async def _invoices_and_lines_of(conn: AsyncConnection, order_id: UUID) -> Any:
    """The order's invoices (all, and live ones) and its lines (how many, their sums),
    in one statement; the order row is locked, so neither changes meanwhile."""
    of_order = invoices.c.order_id == order_id
    held = sa.select(
        sa.func.count().label("invoices"),
        sa.func.count().filter(invoices.c.status != "void").label("live"),
    ).where(of_order)
    lines = sa.select(
        sa.func.count().label("lines"),
        sa.func.coalesce(sa.func.sum(sales_order_lines.c.subtotal), 0).label("subtotal"),
        sa.func.coalesce(sa.func.sum(sales_order_lines.c.tax), 0).label("tax_total"),
    ).where(sales_order_lines.c.order_id == order_id)
    held_q, lines_q = held.subquery("held"), lines.subquery("lines")
    both = held_q.join(lines_q, sa.true())  # one row each
    return (await conn.execute(sa.select(held_q, lines_q).select_from(both))).one()


def _copied_lines(invoice: Any, order_id: UUID) -> sa.Insert:
    """INSERT of the order's lines into `invoice` (a new invoice's CTE), amounts as
    the order priced them, numbered from 1 in the order's line order."""
    line = sales_order_lines
    product = sa.and_(products.c.tenant_id == line.c.tenant_id, products.c.id == line.c.product_id)
    copied = (
        sa.select(
            invoice.c.tenant_id,
            invoice.c.id,
            sa.func.coalesce(products.c.name, "Item"),
            sa.func.row_number().over(order_by=line.c.position),
            *(line.c[name] for name in COPIED_LINE_COLUMNS),
        )
        .select_from(invoice.join(line, sa.true()).outerjoin(products, product))
        .where(line.c.order_id == order_id)
    )
    return invoice_lines.insert().from_select(
        ["tenant_id", "invoice_id", "description", "position", *COPIED_LINE_COLUMNS], copied
    )


# what an order line and an invoice line share (domain.sales.models.line_columns), but
# the position, which the invoice numbers afresh
COPIED_LINE_COLUMNS = tuple(
    c.name for c in line_columns(product_required=False) if c.name != "position"
)


async def update_invoice(
    conn: AsyncConnection, actor: Actor, invoice_id: UUID, version: int, notes: str
) -> Any:
    invoice = await _lock_invoice(conn, actor, invoice_id, version, "id")
    if invoice.status != "draft":
        raise _state_error(IMMUTABLE)
    return await _update(conn, invoice_id, notes=notes)


# --------------------------------------------------------------------------- issue, void
async def issue_invoice(
    conn: AsyncConnection,
    actor: Actor,
    invoice_id: UUID,
    version: int | None,
    today: date | None = None,
) -> Any:
    """Number the draft (next in its series and year) and date it; due after the
    customer's payment terms. The number comes last, when nothing else can fail."""
    invoice = await _lock_invoice(conn, actor, invoice_id, version, "id")
    if invoice.status != "draft":
        raise _state_error(f"The invoice is {invoice.status} already; only drafts are issued.")
    has_lines = sa.exists().where(invoice_lines.c.invoice_id == invoice_id)
    terms_of = sa.select(customers.c.payment_terms_days).where(
        customers.c.id == invoice.customer_id
    )
    facts = (
        await conn.execute(sa.select(has_lines.label("has_lines"), terms_of.scalar_subquery()))
    ).one()
    if not facts.has_lines:
        raise _state_error("An invoice needs at least one line to be issued.")
    terms = facts[1]
    issued_on = today or today_utc()
    sequence = await next_number(conn, actor.tenant_id, invoice.series, issued_on.year)
    values = {
        "status": "issued",
        "year": issued_on.year,
        "sequence": sequence,
        "number": format_number(invoice.series, issued_on.year, sequence),
        "issue_date": issued_on,
        "due_date": issued_on + timedelta(days=terms or 0),
    }
    issued = _as_updated(invoice, **values)
    payload = events.invoice(issued, amount_due(issued))
    return await _update(
        conn,
        invoice_id,
        event=event_parameters(actor.tenant_id, "invoice.issued", payload),
        **values,
    )


async def void_invoice(
    conn: AsyncConnection, actor: Actor, invoice_id: UUID, version: int | None, reason: str
) -> Any:
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the invoice is void.", field="reason")
    invoice = await _lock_invoice(conn, actor, invoice_id, version, "id")
    if invoice.status == "draft":
        raise _state_error("A draft has no number to void; edit it or leave it unissued.")
    if invoice.status == "void":
        raise _state_error("The invoice is void already.")
    if invoice.amount_paid > 0:
        raise _state_error("The invoice has payments; correct it with a credit note instead.")
    return await _update(
        conn, invoice_id, status="void", voided_at=sa.func.now(), void_reason=reason
    )


# --------------------------------------------------------------------------- settle
def _settlement(
    invoice: Any, amount: Decimal, given_currency: str, what: str
) -> tuple[Decimal, str]:
    """Check an amount against an open invoice; returns the amount and its currency."""
    code = currency(given_currency)
    amount = money_amount(amount, field="amount", allow_negative=True)  # refuses NaN, ∞
    if amount <= 0:
        raise DomainError(f"The {what} amount must be greater than zero.", field="amount")
    if amount >= LARGEST:
        raise DomainError(f"The {what} amount is too large.", field="amount")
    if invoice.status == "void":
        raise _state_error(f"A void invoice takes no {what}.", "invoiceId")
    if invoice.status == "draft":
        raise _state_error(f"Issue the invoice before recording a {what}.", "invoiceId")
    if code != invoice.currency:
        raise DomainError(f"The invoice is in {invoice.currency}, not {code}.", field="currency")
    if round_money(amount, code) != amount:
        raise DomainError(
            f"{code} amounts have at most {CURRENCIES[code]} decimals.", field="amount"
        )
    left = amount_due(invoice)
    if amount > left:
        raise DomainError(
            f"The {what} of {amount} exceeds the {left} {code} still due.",
            field="amount",
            code=BillingError.EXCEEDS_AMOUNT_DUE,
        )
    return amount, code


async def _insert(conn: AsyncConnection, table: sa.Table, **values: Any) -> Any:
    return (await conn.execute(table.insert().values(**values).returning(*table.c))).one()


def _settled(
    invoice: Any, paid: Decimal = Decimal(0), credited: Decimal = Decimal(0)
) -> dict[str, Any]:
    """The invoice's totals with a payment or a credit added, and its status moved on."""
    total_paid = invoice.amount_paid + paid
    total_credited = invoice.amount_credited + credited
    if total_paid + total_credited >= invoice.total:
        status = "paid"
    else:
        status = "partially_paid" if total_paid > 0 else "issued"
    return {"amount_paid": total_paid, "amount_credited": total_credited, "status": status}


async def record_payment(
    conn: AsyncConnection,
    actor: Actor,
    invoice_id: UUID,
    *,
    amount: Decimal,
    currency_code: str,
    paid_on: date | None = None,
    method: str = "",
    reference: str = "",
) -> tuple[Any, Any]:
    """A (partial) payment; never more than what is still due. Returns (payment, invoice)."""
    invoice = await _lock_invoice(conn, actor, invoice_id, None, "invoiceId")
    amount, code = _settlement(invoice, amount, currency_code, "payment")
    await _refuse_one_more(
        conn,
        payments.c.invoice_id,
        invoice_id,
        PAYMENTS_PER_INVOICE,
        "payments per invoice",
        "invoiceId",
    )
    payment = await _insert(
        conn,
        payments,
        tenant_id=actor.tenant_id,
        invoice_id=invoice_id,
        amount=amount,
        currency=code,
        paid_on=paid_on or today_utc(),
        method=method.strip(),
        reference=reference.strip(),
        recorded_by=actor.user_id,
    )
    values = _settled(invoice, paid=amount)
    settled = _as_updated(invoice, **values)
    payload = events.payment(payment, settled, amount_due(settled))
    event = event_parameters(actor.tenant_id, "payment.recorded", payload)
    return payment, await _update(conn, invoice_id, event=event, **values)


async def create_credit_note(
    conn: AsyncConnection,
    actor: Actor,
    invoice_id: UUID,
    *,
    amount: Decimal,
    currency_code: str,
    reason: str,
    today: date | None = None,
) -> tuple[Any, Any]:
    """Credit part or all of what remains due on an issued invoice (its own gapless
    `CN-` series). Returns (credit note, invoice)."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the invoice is credited.", field="reason")
    invoice = await _lock_invoice(conn, actor, invoice_id, None, "invoiceId")
    amount, code = _settlement(invoice, amount, currency_code, "credit")
    await _refuse_one_more(
        conn,
        credit_notes.c.invoice_id,
        invoice_id,
        CREDIT_NOTES_PER_INVOICE,
        "credit notes per invoice",
        "invoiceId",
    )
    issued_on = today or today_utc()
    sequence = await next_number(conn, actor.tenant_id, CREDIT_NOTE_SERIES, issued_on.year)
    note = await _insert(
        conn,
        credit_notes,
        tenant_id=actor.tenant_id,
        invoice_id=invoice_id,
        series=CREDIT_NOTE_SERIES,
        year=issued_on.year,
        sequence=sequence,
        number=format_number(CREDIT_NOTE_SERIES, issued_on.year, sequence),
        issue_date=issued_on,
        amount=amount,
        currency=code,
        reason=reason,
        created_by=actor.user_id,
    )
    return note, await _update(conn, invoice_id, **_settled(invoice, credited=amount))
