"""Record scope covers the whole catalog: every entity declares how its rows belong to
users (or that nobody owns them, and why), and what is not declared reaches no row."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from domain import scope
from domain.ownership import Through, Unowned
from tenants.access.catalog import catalog
from tenants.access.policy import Policy
from tenants.principal import Actor


def actor(grants: dict[str, str]) -> Actor:
    policy = Policy.from_json({e: {"actions": ["read"], "scope": s} for e, s in grants.items()})
    return Actor(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "custom", 1, policy)


def sql(condition: sa.ColumnElement[bool]) -> str:
    return str(condition.compile(dialect=postgresql.dialect()))


def test_every_catalog_entity_declares_its_ownership():
    declared = scope.rules()
    assert sorted(set(catalog().entities) - set(declared)) == []
    assert sorted(set(declared) - set(catalog().entities)) == []


def test_unowned_entities_say_why_and_derived_ones_name_a_known_parent():
    for entity, rule in scope.rules().items():
        if isinstance(rule, Unowned):
            assert len(rule.reason) > 10, entity
        if isinstance(rule, Through):
            assert rule.entity in catalog(), entity


def test_an_entity_without_a_declaration_reaches_no_row(monkeypatch):
    rules = {k: v for k, v in scope.rules().items() if k != "Deal"}
    monkeypatch.setattr(scope, "_rules", rules)
    assert sql(scope.in_scope(actor({"Deal": "all"}), "Deal")) == "false"


def test_a_role_without_a_grant_reaches_no_row():
    assert sql(scope.in_scope(actor({"Lead": "all"}), "Deal")) == "false"


def test_team_is_one_recursive_cte_down_the_manager_chain():
    text = sql(scope.in_scope(actor({"Deal": "team"}), "Deal"))
    assert text.count("WITH RECURSIVE") == 1 and "manager_id" in text
