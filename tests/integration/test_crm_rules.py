"""Domain-level CRM rules under failure and concurrency: conversion all or nothing, the
duplicate-email race, and two moves of one deal version."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from domain.crm import leads
from domain.crm.models import contacts, customers, deal_stage_changes, deals
from domain.crm.models import leads as lead_rows
from domain.errors import DomainError
from tenants.access.builtin import builtin_policy
from tenants.principal import Actor


async def _actor(tenant, role="sales_rep"):
    user_id = await tenant.user(role)
    return Actor(tenant.id, user_id, user_id, role, 1, builtin_policy(role))


async def _count(conn, table):
    return await conn.scalar(sa.select(sa.func.count()).select_from(table))


async def test_conversion_fails_whole_when_the_deal_part_fails(tenant):
    actor = await _actor(tenant)
    async with tenant.session(actor.user_id) as conn:
        lead = await leads.create_lead(conn, actor, leads.LeadDraft(name="Ada", company="AE"))
    async with tenant.session(actor.user_id) as conn:
        savepoint = await conn.begin_nested()  # what api.core.payloads.run_service does
        bad_deal = leads.ConversionDeal(amount="100", currency="EUR", pipeline_id=lead.id)
        with pytest.raises(DomainError) as failure:
            await leads.convert_lead(conn, actor, lead.id, None, bad_deal)
        assert failure.value.field == "pipeline"
        # customer and contact were written before the deal part failed
        assert await _count(conn, customers) == 1 and await _count(conn, contacts) == 1
        await savepoint.rollback()
        assert (await _count(conn, customers), await _count(conn, contacts)) == (0, 0)
    async with tenant.session() as conn:
        assert (await _count(conn, customers), await _count(conn, contacts)) == (0, 0)
        assert await _count(conn, deals) == 0
        stored = (await conn.execute(sa.select(lead_rows).where(lead_rows.c.id == lead.id))).one()
        assert (stored.status, stored.converted_customer_id) == ("new", None)


async def test_concurrent_leads_with_one_email_end_in_one_lead_and_a_duplicate(tenant):
    actor = await _actor(tenant, "sales_manager")
    draft = leads.LeadDraft(name="Ada", email="ada@example.com")
    first_written = asyncio.Event()

    async def first():
        async with tenant.session(actor.user_id) as conn:
            await leads.create_lead(conn, actor, draft)
            first_written.set()
            await asyncio.sleep(0.2)  # hold the row uncommitted while the second writes

    async def second():
        await first_written.wait()
        async with tenant.session(actor.user_id) as conn:
            return await leads.create_lead(
                conn, actor, leads.LeadDraft(name="Ada 2", email="ADA@example.com")
            )

    results = await asyncio.gather(first(), second(), return_exceptions=True)
    assert isinstance(results[1], DomainError) and results[1].code == "DUPLICATE"
    async with tenant.session() as conn:
        assert await _count(conn, lead_rows) == 1


async def test_two_moves_of_one_deal_version_one_wins_one_conflicts(tenant):
    from domain.crm import customers as customer_service
    from domain.crm import deals as deal_service
    from domain.crm.models import pipeline_stages
    from domain.errors import Conflict

    actor = await _actor(tenant, "sales_manager")
    async with tenant.session(actor.user_id) as conn:
        customer = await customer_service.create_customer(
            conn, actor, customer_service.CustomerDraft(name="Initech")
        )
        deal = await deal_service.create_deal(
            conn, actor, deal_service.DealDraft("Big", customer.id, "100", "EUR")
        )
        targets = list(
            await conn.scalars(
                sa.select(pipeline_stages.c.id)
                .where(pipeline_stages.c.pipeline_id == deal.pipeline_id)
                .order_by(pipeline_stages.c.position)
                .offset(1)
                .limit(2)
            )
        )
    first_locked = asyncio.Event()

    async def move(stage, hold):
        async with tenant.session(actor.user_id) as conn:
            if hold:
                moved = await deal_service.move_deal_stage(conn, actor, deal.id, 1, stage)
                first_locked.set()
                await asyncio.sleep(0.2)  # keep the row locked while the other tries
                return moved
            await first_locked.wait()
            return await deal_service.move_deal_stage(conn, actor, deal.id, 1, stage)

    results = await asyncio.gather(
        move(targets[0], True), move(targets[1], False), return_exceptions=True
    )
    assert results[0].stage_id == targets[0]
    assert isinstance(results[1], Conflict)
    async with tenant.session() as conn:
        stored = (await conn.execute(sa.select(deals).where(deals.c.id == deal.id))).one()
        history = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(deal_stage_changes)
            .where(deal_stage_changes.c.deal_id == deal.id)
        )
    assert (stored.stage_id, stored.version, history) == (targets[0], 2, 2)
