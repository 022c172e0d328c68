"""Subscriptions' feed: a NOTIFY on `atrium_changes` for every committed change of a
subscribable entity

Revision ID: 0009
Revises: 0007

Every INSERT and UPDATE of the tables behind `dealChanged`, `orderChanged`,
`invoiceChanged`, `stockChanged` and `activityDue` sends, once per statement and per
entity touched, `pg_notify('atrium_changes', '{"t": tenant, "k": kind, "id": entity,
"op": "I"|"U"}')`. PostgreSQL delivers a notification only when its transaction
commits (one of a rolled-back savepoint never), so an event exists exactly for a
committed change, whichever service, CLI or replica made it; every replica LISTENs
(api/subscriptions/feed.py) and fans it out to its own subscribers, who re-read the
entity as themselves. The payload names ids only: what anyone may see of the entity
is decided at that re-read, under RLS and the subscriber's role.

A payment or credit note is its invoice's change, a stock level its product's. The
webhook outbox is no feed for this: it writes rows only for tenants with a subscribed
webhook, and only for the few events partners hear about.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (table, kind, the column naming the entity a subscriber hears about)
FEEDS = (
    ("deals", "deal", "id"),
    ("sales_orders", "order", "id"),
    ("invoices", "invoice", "id"),
    ("payments", "invoice", "invoice_id"),
    ("credit_notes", "invoice", "invoice_id"),
    ("stock_levels", "stock", "product_id"),
    ("activities", "activity", "id"),
)

# One notification per entity the statement touched (PostgreSQL also folds identical
# ones of a transaction into one). Transition tables exist per event, hence one
# trigger per event, each naming only its own.
NOTIFY_CHANGES = """
CREATE FUNCTION atrium_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('atrium_changes', json_build_object(
                'op', left(TG_OP, 1), 't', changed.tenant_id, 'k', TG_ARGV[0], 'id', changed.entity)::text)
       FROM (SELECT DISTINCT n.tenant_id, to_jsonb(n) ->> TG_ARGV[1] AS entity FROM new_rows AS n) AS changed;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.execute(NOTIFY_CHANGES)
    for table, kind, column in FEEDS:
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER notify_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION atrium_notify_changes('{kind}', '{column}')"
            )


def downgrade() -> None:
    for table, _, _ in FEEDS:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER notify_{event} ON {table}")
    op.execute("DROP FUNCTION atrium_notify_changes()")
