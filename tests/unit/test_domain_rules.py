"""Pure domain rules, without a database: pricing, stock shortfall, money rounding and
printing, credit exposure, the sales read models' derivations and the domain kit."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest

from domain.crm.activities import is_overdue
from domain.errors import Conflict, DomainError
from domain.inventory.stock import Movement, net_changes, shortfall
from domain.kit.checks import money, required_text
from domain.kit.patch import UNSET, patch
from domain.kit.rows import check_version
from domain.money import decimal_string, round_money
from domain.sales.credit import exceeds_limit
from domain.sales.errors import SalesError
from domain.sales.pricing import LineInput, line_cost, price_line, price_lines, totals
from domain.sales.read_models import OrderLine

D = Decimal


def _product(price: str, cost: str | None = "4", currency: str = "EUR") -> SimpleNamespace:
    return SimpleNamespace(
        sku="SKU-1",
        unit_price=D(price),
        unit_cost=None if cost is None else D(cost),
        currency=currency,
        active=True,
    )


# --------------------------------------------------------------------------- money
@pytest.mark.parametrize(
    ("value", "code", "rounded"),
    [
        ("0.125", "EUR", "0.12"),  # half to even, down
        ("0.135", "EUR", "0.14"),  # half to even, up
        ("2.5", "JPY", "2"),
        ("3.5", "JPY", "4"),
    ],
)
def test_round_money_is_bankers_rounding_to_the_minor_unit(
    value: str, code: str, rounded: str
) -> None:
    assert round_money(D(value), code) == D(rounded)


@pytest.mark.parametrize(
    ("value", "printed"),
    [(D("120"), "120.0000"), (D("-0.00001"), "0.0000"), (0, "0.0000"), ("1.23456", "1.2346")],
)
def test_decimal_string_prints_four_places_and_no_negative_zero(
    value: object, printed: str
) -> None:
    assert decimal_string(value) == printed  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pricing
def test_a_line_rounds_subtotal_and_tax_then_adds_them() -> None:
    item = LineInput(uuid4(), 3, D("9.99"), discount_percent=D("10"), tax_rate=D("19"))
    line = price_line(1, item, _product("1"), "EUR", "lines.0")
    assert line.subtotal == D("26.97")  # 3 * 9.99 * 0.9 = 26.973
    assert line.tax == D("5.12")  # 26.97 * 0.19 = 5.1243
    assert line.total == D("32.09")
    assert line.cost == line_cost(3, D("4"), "EUR") == D("12.00")


def test_a_line_takes_the_products_price_and_a_missing_cost_as_zero() -> None:
    line = price_line(1, LineInput(uuid4(), 2), _product("5.50", cost=None), "EUR", "lines.0")
    assert (line.unit_price, line.subtotal, line.tax, line.cost) == (D("5.50"), D("11.00"), 0, 0)


def test_an_order_total_is_the_sum_of_its_rounded_lines() -> None:
    ids = [uuid4(), uuid4()]
    products = {ids[0]: _product("0.333"), ids[1]: _product("0.333")}
    currency, lines = price_lines([LineInput(i, 1) for i in ids], products, None)
    assert currency == "EUR"
    summed = totals(lines)
    assert summed.subtotal == D("0.66")  # 0.33 + 0.33, not round(0.666)
    assert summed.total == sum(line.total for line in lines)


def test_one_currency_per_order() -> None:
    item = LineInput(uuid4(), 1)
    with pytest.raises(DomainError) as refused:
        price_line(1, item, _product("1", currency="USD"), "EUR", "lines.0")
    assert refused.value.code == SalesError.CURRENCY_MISMATCH
    assert refused.value.field == "lines.0.productId"


def test_an_unknown_product_is_not_found_at_its_line() -> None:
    with pytest.raises(DomainError) as refused:
        price_lines([LineInput(uuid4(), 1)], {}, "EUR")
    assert (refused.value.code, refused.value.field) == ("NOT_FOUND", "lines.0.productId")


# --------------------------------------------------------------------------- read models
def test_a_line_read_model_derives_cost_and_margin() -> None:
    line = OrderLine(
        id=uuid4(),
        order_id=uuid4(),
        position=1,
        product_id=uuid4(),
        currency="EUR",
        quantity=3,
        unit_price=D("10"),
        discount_percent=D(0),
        tax_rate=D(0),
        subtotal=D("30.00"),
        tax=D(0),
        total=D("30.00"),
        unit_cost=D("3.3333"),
    )
    assert line.cost == D("10.00")  # 9.9999 rounded per line
    assert line.margin == D("20.00")


# --------------------------------------------------------------------------- stock
KEY = (uuid4(), uuid4())


def test_movements_of_one_call_net_per_level() -> None:
    moves = [
        Movement(*KEY, "reservation", reserved_change=2),
        Movement(*KEY, "shipment", on_hand_change=-1, reserved_change=-1),
    ]
    assert net_changes(moves) == {KEY: (-1, 1)}


@pytest.mark.parametrize(
    ("on_hand", "reserved", "change", "wanted", "available"),
    [
        (5, 3, (0, 3), 3, 2),  # reserving more than is free
        (5, 3, (-3, 0), 3, 2),  # adjusting away reserved stock
        (5, 1, (-2, -2), 2, 1),  # shipping more than is reserved
    ],
)
def test_a_shortfall_names_what_was_wanted_and_what_there_was(
    on_hand: int, reserved: int, change: tuple[int, int], wanted: int, available: int
) -> None:
    found = shortfall(KEY, on_hand, reserved, change)
    assert found is not None
    assert (found.wanted, found.available) == (wanted, available)


def test_no_shortfall_when_the_level_stays_whole() -> None:
    assert shortfall(KEY, 5, 3, (0, 2)) is None  # everything reserved is fine
    assert shortfall(KEY, 0, 0, (4, 0)) is None


# --------------------------------------------------------------------------- credit
def test_credit_limit_may_be_reached_not_passed() -> None:
    assert not exceeds_limit(D("600"), D("400"), D("1000"))
    assert exceeds_limit(D("600"), D("400.01"), D("1000"))


# --------------------------------------------------------------------------- kit
def test_patch_keeps_what_was_given_an_explicit_none_included() -> None:
    assert patch({"name": "x", "notes": None, "owner_id": UNSET}) == {"name": "x", "notes": None}


def test_a_stale_version_is_conflict_and_no_version_is_no_check() -> None:
    check_version(3, None, "order")
    check_version(3, 3, "order")
    with pytest.raises(Conflict) as refused:
        check_version(4, 3, "order")
    assert (refused.value.code, refused.value.field) == ("CONFLICT", "version")
    assert "order" in refused.value.message and "version 4" in refused.value.message


@pytest.mark.parametrize("value", ["1.00001", "1e14", "-1", "NaN"])
def test_money_refuses_what_numeric_18_4_cannot_hold(value: str) -> None:
    with pytest.raises(DomainError):
        money(value, "amount")


def test_required_text_strips_and_refuses_blank() -> None:
    assert required_text("  Acme ", "name") == "Acme"
    with pytest.raises(DomainError):
        required_text("   ", "name")


# --------------------------------------------------------------------------- activities
def test_an_activity_is_overdue_when_open_and_past_due() -> None:
    now = datetime(2025, 1, 2, tzinfo=UTC)
    due = datetime(2025, 1, 1, tzinfo=UTC)
    assert is_overdue(SimpleNamespace(completed_at=None, due_at=due), now)
    assert not is_overdue(SimpleNamespace(completed_at=now, due_at=due), now)
    assert not is_overdue(SimpleNamespace(completed_at=None, due_at=None), now)
    assert not is_overdue(SimpleNamespace(completed_at=None, due_at=now), now)
