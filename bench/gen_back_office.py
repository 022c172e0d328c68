"""Back-office rows (migration 0004): products, two warehouses with stock levels and
their movement ledger, sales orders with lines, invoices with lines and payments.

The ledger adds up: per stock level, receipt - shipments = on_hand and reservations
- shipments = reserved (confirmed orders hold reservations, fulfilled ones shipped).
The big tenant also gets M1's own products: three with stock that never runs out and
three with scarce stock, so that oversell under concurrency would show.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from bench.data import BASE_TIME, Dataset, Section, Tenant, moment, new_id, stamped
from bench.gen_crm import CURRENCY, WORDS

CENT = Decimal("0.01")
TAX = Decimal("19")
PLENTY = 1_000_000_000
SCARCE = 20  # units of each scarce product; an M1 order takes one of each of three


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _line(quantity: int, price: Decimal, discount: Decimal) -> dict[str, Decimal]:
    subtotal = _money(quantity * price * (100 - discount) / 100)
    tax = _money(subtotal * TAX / 100)
    return {"subtotal": subtotal, "tax": tax, "total": subtotal + tax}


class Stock:
    """Per (product, warehouse): what was shipped and what is reserved."""

    def __init__(self) -> None:
        self.shipped: dict[tuple[UUID, UUID], int] = {}
        self.reserved: dict[tuple[UUID, UUID], int] = {}

    def add(self, book: dict[tuple[UUID, UUID], int], key: tuple[UUID, UUID], q: int) -> None:
        book[key] = book.get(key, 0) + q


def _catalog(ds: Dataset, tenant: Tenant, rng: random.Random) -> tuple[list, list]:
    warehouses = []
    for code, name in (("MAIN", "Main warehouse"), ("EAST", "East depot")):
        wid = new_id(rng)
        warehouses.append(wid)
        ds.add(
            "warehouses",
            tenant_id=tenant.id,
            id=wid,
            code=code,
            name=name,
            **stamped(moment(rng, 800)),
        )
    products = []
    for n in range(ds.count(200, tenant)):
        pid = new_id(rng)
        price = Decimal(rng.randrange(500, 50_000)) / 100
        products.append((pid, price))
        ds.add(
            "products",
            tenant_id=tenant.id,
            id=pid,
            sku=f"SKU-{n:05d}",
            name=f"{rng.choice(WORDS)} {rng.choice(('widget', 'gear', 'valve', 'panel'))} {n}",
            description="",
            unit_price=price,
            currency=CURRENCY,
            unit_cost=_money(price * Decimal(rng.randrange(40, 80)) / 100),
            active=rng.random() < 0.95,
            reorder_point=rng.choice((0, 10, 20, 50)),
            **stamped(moment(rng, 800)),
        )
    return warehouses, products


def _m1_products(ds: Dataset, tenant: Tenant, rng: random.Random) -> dict[str, list[UUID]]:
    out: dict[str, list[UUID]] = {"plenty": [], "scarce": []}
    for kind in out:
        for n in range(3):
            pid = new_id(rng)
            out[kind].append(pid)
            ds.add(
                "products",
                tenant_id=tenant.id,
                id=pid,
                sku=f"M1-{kind.upper()}-{n}",
                name=f"M1 {kind} product {n}",
                description="written by the M1 workload",
                unit_price=Decimal("10.00"),
                currency=CURRENCY,
                unit_cost=Decimal("4.00"),
                active=True,
                reorder_point=0,
                **stamped(moment(rng, 800)),
            )
    return out


def _orders(
    ds: Dataset, tenant: Tenant, rng: random.Random, warehouses: list, products: list
) -> Stock:
    stock = Stock()
    reps = tenant.users["sales_rep"]
    customers = tenant.refs["customers"]
    orders, fulfilled = [], []
    for _ in range(ds.count(300, tenant)):
        oid = new_id(rng)
        at = moment(rng, 365)
        warehouse = rng.choice(warehouses)
        status = rng.choices(("draft", "confirmed", "fulfilled", "cancelled"), (1, 2, 6, 1))[0]
        customer = rng.choice(customers)
        lines, cost = [], Decimal(0)
        for position, (pid, price) in enumerate(
            rng.sample(products, min(len(products), rng.randrange(1, 6)))
        ):
            q = rng.randrange(1, 10)
            discount = rng.choice((Decimal(0), Decimal(0), Decimal(5), Decimal(10)))
            unit_cost = _money(price * Decimal("0.6"))
            amounts = _line(q, price, discount)
            cost += unit_cost * q
            lines.append((pid, q, price, discount, amounts))
            ds.add(
                "sales_order_lines",
                tenant_id=tenant.id,
                id=new_id(rng),
                order_id=oid,
                product_id=pid,
                position=position,
                quantity=q,
                unit_price=price,
                discount_percent=discount,
                tax_rate=TAX,
                unit_cost=unit_cost,
                **amounts,
                **stamped(at),
            )
            if status == "confirmed":
                stock.add(stock.reserved, (pid, warehouse), q)
                _movement(ds, tenant, rng, pid, warehouse, "reservation", 0, q, oid, at)
            elif status == "fulfilled":
                stock.add(stock.shipped, (pid, warehouse), q)
                _movement(ds, tenant, rng, pid, warehouse, "reservation", 0, q, oid, at)
                _movement(ds, tenant, rng, pid, warehouse, "shipment", -q, -q, oid, at)
        subtotal = sum((line[4]["subtotal"] for line in lines), Decimal(0))
        tax = sum((line[4]["tax"] for line in lines), Decimal(0))
        confirmed = at + timedelta(hours=2) if status in ("confirmed", "fulfilled") else None
        ds.add(
            "sales_orders",
            tenant_id=tenant.id,
            id=oid,
            customer_id=customer,
            deal_id=None,
            warehouse_id=warehouse,
            owner_id=rng.choice(reps),
            status=status,
            currency=CURRENCY,
            notes="",
            subtotal=subtotal,
            tax_total=tax,
            total=subtotal + tax,
            cost=_money(cost),
            confirmed_at=confirmed,
            fulfilled_at=at + timedelta(days=2) if status == "fulfilled" else None,
            cancelled_at=at + timedelta(days=1) if status == "cancelled" else None,
            **stamped(at),
        )
        orders.append(oid)
        if status == "fulfilled":
            fulfilled.append((oid, customer, at, lines, subtotal, tax))
    tenant.refs["orders"] = orders
    tenant.refs["fulfilled"] = fulfilled
    return stock


def _movement(
    ds: Dataset,
    tenant: Tenant,
    rng: random.Random,
    product: UUID,
    warehouse: UUID,
    kind: str,
    on_hand: int,
    reserved: int,
    order: UUID | None,
    at: object,
) -> None:
    ds.add(
        "stock_movements",
        tenant_id=tenant.id,
        id=new_id(rng),
        product_id=product,
        warehouse_id=warehouse,
        kind=kind,
        on_hand_change=on_hand,
        reserved_change=reserved,
        reason="",
        order_id=order,
        created_by=None,
        **stamped(at),
    )


def _levels(
    ds: Dataset,
    tenant: Tenant,
    rng: random.Random,
    warehouses: list,
    products: list[UUID],
    stock: Stock,
    fixed: dict[UUID, int],
) -> dict[tuple[UUID, UUID], tuple[int, int]]:
    """One level per product and warehouse; `fixed` products have that much in the
    first warehouse and none in the others."""
    levels = {}
    for pid in products:
        for w in warehouses:
            key = (pid, w)
            reserved = stock.reserved.get(key, 0)
            if pid in fixed:
                on_hand = fixed[pid] if w == warehouses[0] else 0
            else:
                on_hand = reserved + rng.choice((0, 5, 30, 120, 400, 1000))
            received = on_hand + stock.shipped.get(key, 0)
            at = moment(rng, 400)
            ds.add(
                "stock_levels",
                tenant_id=tenant.id,
                id=new_id(rng),
                product_id=pid,
                warehouse_id=w,
                on_hand=on_hand,
                reserved=reserved,
                **stamped(at),
            )
            if received:
                _movement(ds, tenant, rng, pid, w, "receipt", received, 0, None, at)
            levels[key] = (on_hand, reserved)
    return levels


def _invoices(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    sequences: dict[int, int] = {}
    terms = 30
    for oid, customer, at, lines, subtotal, tax in tenant.refs["fulfilled"]:
        iid = new_id(rng)
        status = rng.choices(("draft", "issued", "partially_paid", "paid"), (1, 3, 2, 6))[0]
        total = subtotal + tax
        issued = at + timedelta(days=3)
        number = year = sequence = issue_date = due_date = None
        if status != "draft":
            year = issued.year
            sequence = sequences[year] = sequences.get(year, 0) + 1
            number = f"INV-{year}-{sequence:06d}"
            issue_date = issued.date()
            due_date = issue_date + timedelta(days=terms)
        paid = {"paid": total, "partially_paid": _money(total / 2)}.get(status, Decimal(0))
        # lines first: their trigger refuses lines of an issued invoice, but the load
        # runs with user triggers off, so the order only matters for readability
        for position, (pid, q, price, discount, amounts) in enumerate(lines):
            ds.add(
                "invoice_lines",
                tenant_id=tenant.id,
                id=new_id(rng),
                invoice_id=iid,
                product_id=pid,
                description=f"Order line {position + 1}",
                position=position,
                quantity=q,
                unit_price=price,
                discount_percent=discount,
                tax_rate=TAX,
                **amounts,
                **stamped(issued),
            )
        ds.add(
            "invoices",
            tenant_id=tenant.id,
            id=iid,
            customer_id=customer,
            order_id=oid,
            status=status,
            currency=CURRENCY,
            series="INV",
            year=year,
            sequence=sequence,
            number=number,
            issue_date=issue_date,
            due_date=due_date,
            notes="",
            subtotal=subtotal,
            tax_total=tax,
            total=total,
            amount_paid=paid,
            amount_credited=Decimal(0),
            voided_at=None,
            void_reason="",
            **stamped(issued),
        )
        if paid:
            ds.add(
                "payments",
                tenant_id=tenant.id,
                id=new_id(rng),
                invoice_id=iid,
                amount=paid,
                currency=CURRENCY,
                paid_on=(issued + timedelta(days=rng.randrange(1, 40))).date(),
                method="bank transfer",
                reference=f"PAY-{number}",
                recorded_by=None,
                **stamped(issued),
            )
    for year, last in sorted(sequences.items()):
        ds.add(
            "invoice_counters",
            tenant_id=tenant.id,
            id=new_id(rng),
            series="INV",
            year=year,
            last_number=last,
            **stamped(BASE_TIME),
        )


def generate(ds: Dataset, tenant: Tenant, rng: random.Random) -> None:
    warehouses, products = _catalog(ds, tenant, rng)
    stock = _orders(ds, tenant, rng, warehouses, products)
    fixed: dict[UUID, int] = {}
    if tenant.weight > 1:  # the big tenant: where every workload runs
        m1 = _m1_products(ds, tenant, rng)
        fixed = {p: PLENTY for p in m1["plenty"]} | {p: SCARCE for p in m1["scarce"]}
        tenant.refs["m1"] = {**m1, "warehouse": warehouses[0]}
    ids = [p for p, _ in products] + list(fixed)
    tenant.refs["stock"] = _levels(ds, tenant, rng, warehouses, ids, stock, fixed)
    tenant.refs["warehouses"] = warehouses
    _invoices(ds, tenant, rng)


BACK_OFFICE = Section(
    "back_office",
    (
        "warehouses",
        "products",
        "stock_levels",
        "sales_orders",
        "sales_order_lines",
        "stock_movements",
        "invoice_counters",
        "invoices",
        "invoice_lines",
        "payments",
    ),
    generate,
    needs=("crm",),
)
