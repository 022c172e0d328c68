"""Record-scope probes, one per owned catalog entity (tests/api/test_record_scope.py).

A world: `me` (holding a custom role with every entity at scope `all` but the one under
test), `direct` who reports to me, `deep` who reports to `direct` (down the chain) and
a `stranger` outside the chain. A probe arranges one row of its entity for an owner and
reads it back every way the API reaches it (list, node, relation, filter, report) and
writes it; each read says whether the row was seen.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from api.core.relay import to_global_id
from domain.admin.api_clients import issue_client
from domain.billing import services as billing
from domain.crm.models import activities, contacts, customers, deals, leads, pipeline_stages
from domain.hr.models import departments, employees
from tenants.access.catalog import catalog
from tenants.models import audit_events, roles, users
from tests.support.hr import add_employee, add_role
from tests.support.orders import actor_for, arrange_order

# each owner's rows in its own currency, so a per-currency report shows whose it added up
CURRENCY = {"me": "EUR", "deep": "USD", "stranger": "GBP"}
OWNERS = tuple(CURRENCY)


@dataclass
class World:
    tenant: Any
    token: str
    users: dict[str, UUID]
    employees: dict[str, UUID]
    customer: UUID
    role_key: str


def full_grant(entity: str, scope: str) -> dict[str, Any]:
    spec = catalog()[entity]
    return {
        "actions": list(spec.actions),
        "scope": scope,
        "read": list(spec.fields),
        "write": [f for f in spec.fields if f not in spec.readonly],
    }


async def make_world(tenant: Any, entity: str, scope: str) -> World:
    """Every entity granted in full at scope `all`, `entity` at `scope`."""
    key = "scoped"
    await add_role(
        tenant,
        key,
        {name: full_grant(name, scope if name == entity else "all") for name in catalog().entities},
    )
    ids = {
        "me": await tenant.user(key),
        "direct": await tenant.user("sales_rep"),
        "deep": await tenant.user("accountant"),
        "stranger": await tenant.user("warehouse"),
    }
    staff: dict[str, UUID] = {}
    for name, manager in (("me", None), ("direct", "me"), ("deep", "direct"), ("stranger", None)):
        staff[name] = await add_employee(
            tenant,
            f"{name.title()} Person",
            user_id=ids[name],
            manager_id=staff[manager] if manager else None,
        )
    async with tenant.session(tenant.admin_id) as conn:
        customer = await conn.scalar(
            customers.insert()
            .values(tenant_id=tenant.id, name="Shared Co", kind="company", owner_id=tenant.admin_id)
            .returning(customers.c.id)
        )
    return World(tenant, tenant.token(ids["me"]), ids, staff, customer, key)


async def _insert(world: World, table: sa.Table, user: UUID | None = None, **values: Any) -> UUID:
    async with world.tenant.session(user or world.tenant.admin_id) as conn:
        return await conn.scalar(  # type: ignore[no-any-return]
            table.insert().values(tenant_id=world.tenant.id, **values).returning(table.c.id)
        )


async def _deal(world: World, owner: str) -> UUID:
    async with world.tenant.session() as conn:
        stage = (
            await conn.execute(
                sa.select(pipeline_stages.c.id, pipeline_stages.c.pipeline_id)
                .where(sa.not_(pipeline_stages.c.is_won), sa.not_(pipeline_stages.c.is_lost))
                .order_by(pipeline_stages.c.position)
                .limit(1)
            )
        ).one()
    return await _insert(
        world,
        deals,
        title=f"Deal of {owner}",
        customer_id=world.customer,
        owner_id=world.users[owner],
        pipeline_id=stage.pipeline_id,
        stage_id=stage.id,
        amount=Decimal(100),
        currency=CURRENCY[owner],
        probability=Decimal(10),
    )


async def _order(world: World, owner: str) -> UUID:
    async with world.tenant.session(world.tenant.admin_id) as conn:
        arranged = await arrange_order(
            conn,
            world.tenant.id,
            world.users[owner],
            currency=CURRENCY[owner],
            customer_id=world.customer,
        )
    return arranged.order_id


async def _invoice(world: World, owner: str) -> UUID:
    order_id = await _order(world, owner)
    admin = actor_for(world.tenant, "tenant_admin")
    async with world.tenant.session(world.tenant.admin_id) as conn:
        draft = await billing.create_invoice_from_order(conn, admin, order_id)
        invoice = await billing.issue_invoice(conn, admin, draft.id, None)
        money = {"amount": Decimal(10), "currency_code": CURRENCY[owner]}
        await billing.record_payment(conn, admin, invoice.id, **money, paid_on=None)
        await billing.create_credit_note(conn, admin, invoice.id, **money, reason="goodwill")
    return invoice.id  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- reads
Seen = Callable[[Any, "Row"], bool]


@dataclass(frozen=True)
class Row:
    """One arranged row: its global id, its owner, and what the reads look for."""

    id: str
    owner: str
    text: str = ""  # what a search filter finds it by
    parent: str = ""  # a global id a relation reaches it from

    @property
    def currency(self) -> str:
        return CURRENCY[self.owner]


@dataclass(frozen=True)
class Read:
    name: str
    query: str
    seen: Seen
    variables: Callable[[Row], dict[str, Any]] = lambda row: {"id": row.id}


def ids_in(path: str) -> Seen:
    """The row's id among `a.b.c` (lists are walked)."""

    def seen(data: Any, row: Row) -> bool:
        return row.id in _walk(data, path.split("."))

    return seen


def _walk(value: Any, keys: list[str]) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [found for item in value for found in _walk(item, keys)]
    if not keys:
        return [value]
    return _walk(value.get(keys[0]), keys[1:])


def currency_in(path: str) -> Seen:
    return lambda data, row: row.currency in _walk(data, path.split("."))


def some(path: str) -> Seen:
    return lambda data, row: bool(_walk(data, path.split(".")))


def node(fields: str = "id") -> Read:
    return Read("node", f"query($id: ID!) {{ node(id: $id) {{ {fields} }} }}", some("node"))


def listed(field: str, args: str = "first: 100") -> Read:
    return Read("list", f"{{ {field}({args}) {{ nodes {{ id }} }} }}", ids_in(f"{field}.nodes.id"))


def searched(field: str, filter: str = "search") -> Read:
    query = f"query($s: String) {{ {field}(filter: {{{filter}: $s}}) {{ nodes {{ id }} }} }}"
    return Read("filter", query, ids_in(f"{field}.nodes.id"), lambda row: {"s": row.text})


def through(name: str, on: str, fields: str, seen: Seen) -> Read:
    """A relation from the row's parent (a customer, an order, an invoice)."""
    query = f"query($p: ID!) {{ node(id: $p) {{ ... on {on} {{ {fields} }} }} }}"
    return Read(name, query, seen, lambda row: {"p": row.parent})


def related(on: str, field: str) -> Read:
    """`field { id }` of the row's parent, an `on`."""
    return through(f"{on}.{field}", on, f"{field} {{ id }}", ids_in(f"node.{field}.id"))


def listed_found_and_searched(field: str, filter: str = "search") -> tuple[Read, ...]:
    return listed(field), node(), searched(field, filter)


def report(name: str, query: str, path: str) -> Read:
    return Read(name, query, currency_in(path), lambda row: {})


PIPELINE = report(
    "pipelineReport", "{ pipelineReport { totals { currency } } }", "pipelineReport.totals.currency"
)
FORECAST = report(
    "forecastReport", "{ forecastReport { totals { currency } } }", "forecastReport.totals.currency"
)
REVENUE = report("revenueReport", "{ revenueReport { currency } }", "revenueReport.currency")
AGING = report("arAgingReport", "{ arAgingReport { currency } }", "arAgingReport.currency")
MARGINS = Read(
    "orderMarginReport",
    "{ orderMarginReport(first: 100) { order { id } } }",
    ids_in("orderMarginReport.order.id"),
)


def update(mutation: str, **extra: Any) -> Callable[[Row], tuple[str, dict[str, Any]]]:
    """`mutation(input: {id, version: 1, **extra})`; the payload's userErrors are read."""
    name = mutation[0].upper() + mutation[1:]

    def make(row: Row) -> tuple[str, dict[str, Any]]:
        query = f"mutation($input: {name}Input!) {{ {mutation}(input: $input) {{ userErrors {{ code }} }} }}"
        return query, {"input": {"id": row.id, "version": 1, **extra}}

    return make


@dataclass(frozen=True)
class Probe:
    arrange: Callable[[World, str], Awaitable[Row]]
    reads: tuple[Read, ...]
    write: Callable[[Row], tuple[str, dict[str, Any]]] | None = None
    # Department: `team` reaches no further than `own` (the department you work in)
    team_reaches_reports: bool = True
    notes: str = ""  # what it cannot reach and why


# --------------------------------------------------------------------------- arrangements
def gid(entity: str, value: UUID) -> str:
    return to_global_id(entity, value)


async def a_lead(world: World, owner: str) -> Row:
    text = f"lead-{owner}-{uuid.uuid4().hex[:6]}"
    lead = await _insert(
        world, leads, name=text, email=f"{text}@x.example", owner_id=world.users[owner]
    )
    return Row(gid("Lead", lead), owner, text)


async def a_customer(world: World, owner: str) -> Row:
    text = f"customer-{owner}-{uuid.uuid4().hex[:6]}"
    customer = await _insert(
        world, customers, name=text, kind="company", owner_id=world.users[owner]
    )
    deal = await _deal(world, "me")  # a deal that reaches it (Deal is at `all`)
    async with world.tenant.session() as conn:
        await conn.execute(deals.update().where(deals.c.id == deal).values(customer_id=customer))
    return Row(gid("Customer", customer), owner, text, gid("Deal", deal))


async def a_contact(world: World, owner: str) -> Row:
    text = f"contact-{owner}-{uuid.uuid4().hex[:6]}"
    contact = await _insert(
        world, contacts, name=text, customer_id=world.customer, owner_id=world.users[owner]
    )
    return Row(gid("Contact", contact), owner, text, gid("Customer", world.customer))


async def a_deal(world: World, owner: str) -> Row:
    deal = await _deal(world, owner)
    return Row(gid("Deal", deal), owner, f"Deal of {owner}", gid("Customer", world.customer))


async def an_activity(world: World, owner: str) -> Row:
    text = f"call-{owner}-{uuid.uuid4().hex[:6]}"
    activity = await _insert(
        world,
        activities,
        kind="call",
        subject=text,
        assigned_to=world.users[owner],
        created_by=world.users[owner],
        customer_id=world.customer,
    )
    return Row(gid("Activity", activity), owner, text, gid("Customer", world.customer))


async def an_employee(world: World, owner: str) -> Row:
    return Row(gid("Employee", world.employees[owner]), owner, f"{owner.title()} Person")


async def a_department(world: World, owner: str) -> Row:
    department = await _insert(world, departments, name=f"Department of {owner}")
    async with world.tenant.session() as conn:
        await conn.execute(
            employees.update()
            .where(employees.c.id == world.employees[owner])
            .values(department_id=department)
        )
    return Row(gid("Department", department), owner, parent=gid("Employee", world.employees[owner]))


def made_by(
    make: Callable[[World, str], Awaitable[UUID]], entity: str, reached_from: str
) -> Callable[[World, str], Awaitable[Row]]:
    """A row `make` arranges; relations reach it from the shared customer, or its parts
    (lines, payments) are read from the row itself (reached_from="itself")."""

    async def arrange(world: World, owner: str) -> Row:
        made = await make(world, owner)
        parent = gid(entity, made) if reached_from == "itself" else gid("Customer", world.customer)
        return Row(gid(entity, made), owner, parent=parent)

    return arrange


an_order = made_by(_order, "SalesOrder", "customer")
order_lines = made_by(_order, "SalesOrder", "itself")
an_invoice = made_by(_invoice, "Invoice", "customer")
invoice_parts = made_by(_invoice, "Invoice", "itself")


async def a_user(world: World, owner: str) -> Row:
    async with world.tenant.session() as conn:
        email = await conn.scalar(sa.select(users.c.email).where(users.c.id == world.users[owner]))
    return Row(gid("User", world.users[owner]), owner, email)


async def a_role(world: World, owner: str) -> Row:
    """The role the owner holds (a role belongs to those holding it)."""
    async with world.tenant.session() as conn:
        role = await conn.scalar(sa.select(users.c.role_id).where(users.c.id == world.users[owner]))
    return Row(gid("Role", role), owner)


async def an_api_client(world: World, owner: str) -> Row:
    async with world.tenant.session(world.tenant.admin_id) as conn:
        role = await conn.scalar(sa.select(roles.c.id).where(roles.c.key == "warehouse"))
        issued = await issue_client(
            conn, world.tenant.id, f"client of {owner}", role, created_by=world.users[owner]
        )
    return Row(gid("ApiClient", issued.client.id), owner)


async def an_audit_event(world: World, owner: str) -> Row:
    """What the owner did: renamed a customer (audited), as themselves."""
    async with world.tenant.session(world.users[owner]) as conn:
        await conn.execute(
            customers.update().where(customers.c.id == world.customer).values(notes=owner)
        )
        event = await conn.scalar(
            sa.select(audit_events.c.id)
            .where(audit_events.c.actor_id == world.users[owner])
            .order_by(audit_events.c.occurred_at.desc())
            .limit(1)
        )
    return Row(gid("AuditEvent", event), owner, parent=gid("User", world.users[owner]))


PROBES: dict[str, Probe] = {
    "Lead": Probe(
        a_lead,
        listed_found_and_searched("leads"),
        update("updateLead", notes="seen"),
        notes="no relation reaches a lead but an activity's, which Activity's probe covers",
    ),
    "Customer": Probe(
        a_customer,
        (
            *listed_found_and_searched("customers"),
            related("Deal", "customer"),
        ),
        update("updateCustomer", notes="seen"),
    ),
    "Contact": Probe(
        a_contact,
        (
            *listed_found_and_searched("contacts"),
            related("Customer", "contacts"),
        ),
        update("updateContact", title="seen"),
    ),
    "Deal": Probe(
        a_deal,
        (
            *listed_found_and_searched("deals"),
            related("Customer", "deals"),
            PIPELINE,
            FORECAST,
        ),
        update("updateDeal", title="seen"),
    ),
    "Activity": Probe(
        an_activity,
        (
            *listed_found_and_searched("activities"),
            through(
                "customer.timeline",
                "Customer",
                "timeline { activity { id } }",
                ids_in("node.timeline.activity.id"),
            ),
        ),
        lambda row: (
            "mutation($input: CompleteActivityInput!) { completeActivity(input: $input) { userErrors { code } } }",
            {"input": {"id": row.id}},
        ),
    ),
    "PipelineReport": Probe(a_deal, (PIPELINE,)),
    "ForecastReport": Probe(a_deal, (FORECAST,)),
    "Employee": Probe(
        an_employee,
        listed_found_and_searched("employees", "name"),
        update("updateEmployee", title="Seen"),
        notes="relations to employees (manager, department manager) go through the same lookup",
    ),
    "Department": Probe(
        a_department,
        (
            listed("departments"),
            node(),
            related("Employee", "department"),
        ),
        update("updateDepartment", name="Seen"),
        team_reaches_reports=False,
    ),
    "SalesOrder": Probe(
        an_order,
        (
            listed("orders"),
            node(),
            Read("order", "query($id: ID!) { order(id: $id) { id } }", some("order")),
            Read(
                "filter",
                "query($c: ID!) { orders(filter: {customerId: $c}) { nodes { id } } }",
                ids_in("orders.nodes.id"),
                lambda row: {"c": row.parent},
            ),
            related("Customer", "orders"),
            MARGINS,
        ),
        update("updateOrder", notes="seen"),  # a confirmed order: INVALID_STATE in scope
    ),
    "SalesOrderLine": Probe(
        order_lines,
        (through("order.lines", "SalesOrder", "lines { quantity }", some("node.lines")),),
    ),
    "Invoice": Probe(
        an_invoice,
        (
            listed("invoices"),
            node(),
            Read(
                "filter",
                "query($c: ID!) { invoices(filter: {customerId: $c}) { nodes { id } } }",
                ids_in("invoices.nodes.id"),
                lambda row: {"c": row.parent},
            ),
            related("Customer", "invoices"),
            REVENUE,
            AGING,
        ),
        update("updateInvoice", notes="seen"),  # issued: immutable in scope, NOT_FOUND out
    ),
    "InvoiceLine": Probe(
        invoice_parts,
        (through("invoice.lines", "Invoice", "lines { quantity }", some("node.lines")),),
    ),
    "Payment": Probe(
        invoice_parts,
        (through("invoice.payments", "Invoice", "payments { id }", some("node.payments")),),
    ),
    "CreditNote": Probe(
        invoice_parts,
        (
            through(
                "invoice.creditNotes", "Invoice", "creditNotes { id }", some("node.creditNotes")
            ),
        ),
    ),
    "RevenueReport": Probe(an_invoice, (REVENUE,)),
    "ArAgingReport": Probe(an_invoice, (AGING,)),
    "User": Probe(a_user, (listed("users"), node(), searched("users"))),
    "Role": Probe(a_role, (listed("roles", "first: 200"), node())),
    "ApiClient": Probe(
        an_api_client,
        (listed("apiClients"), node()),
        lambda row: (
            "mutation($input: ApiClientInput!) { revokeApiClient(input: $input) { userErrors { code } } }",
            {"input": {"id": row.id}},
        ),
    ),
    "AuditEvent": Probe(
        an_audit_event,
        (
            Read(
                "list",
                "query($a: ID!) { auditEvents(filter: {actor: $a}, first: 100) { nodes { id } } }",
                ids_in("auditEvents.nodes.id"),
                lambda row: {"a": row.parent},
            ),
            node(),
        ),
    ),
}
