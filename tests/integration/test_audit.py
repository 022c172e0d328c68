"""The generic audit trigger: who changed what, old -> new, in the same transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tenants.models import audit_events, users
from tenants.session import tenant_transaction


async def _events(engine, tenant, entity_id):
    async with tenant_transaction(engine, tenant.id) as conn:
        rows = await conn.execute(
            sa.select(audit_events)
            .where(audit_events.c.entity_id == entity_id)
            .order_by(audit_events.c.occurred_at)
        )
        return rows.all()


async def test_insert_update_delete_are_recorded_with_actor_and_changes(engine, tenant):
    actor = tenant.admin_id
    user_id = await tenant.user("sales_rep", email="rep@audit.example", name="Rep")
    async with tenant_transaction(engine, tenant.id, actor, request_id="req-42") as conn:
        await conn.execute(users.update().where(users.c.id == user_id).values(name="Rep Two"))
        # visible in the same transaction, before commit
        same_tx = await conn.execute(
            sa.select(audit_events.c.action).where(audit_events.c.entity_id == user_id)
        )
        assert sorted(r.action for r in same_tx) == ["insert", "update"]
        await conn.execute(users.update().where(users.c.id == user_id).values(name="Rep Two"))
    async with tenant_transaction(engine, tenant.id, actor) as conn:
        await conn.execute(users.delete().where(users.c.id == user_id))

    created, updated, deleted = await _events(engine, tenant, user_id)
    assert created.entity == "User" and created.action == "insert"
    assert created.tenant_id == tenant.id
    assert created.changes["email"] == {"old": None, "new": "rep@audit.example"}
    assert created.changes["name"] == {"old": None, "new": "Rep"}
    assert "tenant_id" not in created.changes and "updated_at" not in created.changes

    assert updated.action == "update"
    assert updated.actor_id == actor
    assert updated.request_id == "req-42"
    assert updated.changes == {
        "name": {"old": "Rep", "new": "Rep Two"}
    }  # the no-op update left none

    assert deleted.action == "delete"
    assert deleted.actor_id == actor
    assert deleted.changes["name"] == {"old": "Rep Two", "new": None}


async def test_rolled_back_changes_leave_no_audit(engine, tenant):
    with pytest.raises(RuntimeError):
        async with tenant_transaction(engine, tenant.id, tenant.admin_id) as conn:
            await conn.execute(
                users.update().where(users.c.id == tenant.admin_id).values(name="Never")
            )
            raise RuntimeError("abort")
    events = await _events(engine, tenant, tenant.admin_id)
    assert [e.action for e in events] == ["insert"]


async def test_audit_events_stay_in_their_tenant(engine, tenant, other_tenant):
    async with tenant_transaction(engine, tenant.id) as conn:
        seen = await conn.execute(sa.select(audit_events.c.tenant_id).distinct())
        assert [r[0] for r in seen] == [tenant.id]


async def test_one_statement_of_many_rows_records_each_row_that_changed(engine, tenant):
    first = await tenant.user("sales_rep", email="one@audit.example", name="One")
    second = await tenant.user("sales_rep", email="two@audit.example", name="Two")
    renamed = sa.case((users.c.id == first, "One bis"), else_=users.c.name)
    async with tenant_transaction(engine, tenant.id, tenant.admin_id) as conn:
        await conn.execute(
            users.update().where(users.c.id.in_([first, second])).values(name=renamed)
        )
    first_events, second_events = (
        await _events(engine, tenant, first),
        await _events(engine, tenant, second),
    )
    assert [e.action for e in first_events] == ["insert", "update"]
    assert first_events[1].changes == {"name": {"old": "One", "new": "One bis"}}
    assert [e.action for e in second_events] == ["insert"]  # unchanged: no event
