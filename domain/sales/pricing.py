"""Order lines and totals.

The rounding rule (the one of domain.money.round_money: banker's rounding to the
currency's minor unit) is applied per line, then the rounded lines are summed:

    line subtotal = round(quantity * unit price * (1 - discount % / 100))
    line tax      = round(line subtotal * tax rate % / 100)
    line total    = line subtotal + line tax
    order subtotal, tax total, total = the sums of its lines' subtotals, taxes, totals
    line cost     = round(quantity * the product's unit cost when the line was written)
    order cost    = the sum of its lines' costs; margin = subtotal - cost

So an order's total always equals the sum of what its lines show, in every currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.errors import DomainError, NotFound
from domain.kit.checks import money
from domain.money import round_money
from domain.sales.errors import SalesError

# An order has at most this many lines (every write of lines is priced here, which
# refuses more: TOO_MANY_LINES); its invoice copies them. api/cost.py counts it.
MAX_LINES = 200
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class LineInput:
    product_id: UUID
    quantity: int
    unit_price: Decimal | None = None  # default: the product's price
    discount_percent: Decimal | None = None
    tax_rate: Decimal | None = None


@dataclass(frozen=True)
class Line:
    position: int
    product_id: UUID
    quantity: int
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    unit_cost: Decimal
    cost: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax_total: Decimal
    total: Decimal
    cost: Decimal


def percent(value: Decimal | None, field: str) -> Decimal:
    if value is None:
        return Decimal(0)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise DomainError(f"{field} must be between 0 and 100.", field=field)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise DomainError(f"{field} has more than 4 decimal places.", field=field)
    return value


def price_line(position: int, item: LineInput, product: Any, currency: str, field: str) -> Line:
    """One line, priced in `currency` (which must be the product's)."""
    if not 0 < item.quantity <= MAX_QUANTITY:
        raise DomainError(
            f"quantity must be between 1 and {MAX_QUANTITY}.", field=f"{field}.quantity"
        )
    if product.currency != currency:
        raise DomainError(
            f"{product.sku} is priced in {product.currency}, the order in {currency}: "
            "one currency per order.",
            field=f"{field}.productId",
            code=SalesError.CURRENCY_MISMATCH,
        )
    unit_price = (
        product.unit_price
        if item.unit_price is None
        else money(item.unit_price, f"{field}.unitPrice")
    )
    discount = percent(item.discount_percent, f"{field}.discountPercent")
    tax_rate = percent(item.tax_rate, f"{field}.taxRate")
    subtotal = round_money(item.quantity * unit_price * (1 - discount / 100), currency)
    tax = round_money(subtotal * tax_rate / 100, currency)
    unit_cost = product.unit_cost or Decimal(0)
    return Line(
        position=position,
        product_id=item.product_id,
        quantity=item.quantity,
        unit_price=unit_price,
        discount_percent=discount,
        tax_rate=tax_rate,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        unit_cost=unit_cost,
        cost=line_cost(item.quantity, unit_cost, currency),
    )


def price_lines(
    items: Sequence[LineInput], products: Mapping[UUID, Any], currency: str | None
) -> tuple[str, list[Line]]:
    """Price every line; the order's currency is the one given, else its first product's.
    A product that is unknown (or of another tenant) is NOT_FOUND at its line."""
    if not items:
        raise DomainError("An order needs at least one line.", field="lines")
    if len(items) > MAX_LINES:
        raise DomainError(
            f"An order has at most {MAX_LINES} lines.",
            field="lines",
            code=SalesError.TOO_MANY_LINES,
        )
    for i, item in enumerate(items):
        product = products.get(item.product_id)
        if product is None:
            raise NotFound("No such product.", field=f"lines.{i}.productId")
        if not product.active:
            raise DomainError(f"{product.sku} is no longer sold.", field=f"lines.{i}.productId")
    chosen = currency or products[items[0].product_id].currency
    lines = [
        price_line(i + 1, item, products[item.product_id], chosen, f"lines.{i}")
        for i, item in enumerate(items)
    ]
    return chosen, lines


def totals(lines: Sequence[Line]) -> Totals:
    return Totals(
        subtotal=sum((line.subtotal for line in lines), Decimal(0)),
        tax_total=sum((line.tax for line in lines), Decimal(0)),
        total=sum((line.total for line in lines), Decimal(0)),
        cost=sum((line.cost for line in lines), Decimal(0)),
    )


def line_cost(quantity: int, unit_cost: Decimal, currency: str) -> Decimal:
    """Rounded per line like every amount, so an order's cost is the sum of its lines'."""
    return round_money(quantity * unit_cost, currency)
