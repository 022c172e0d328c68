"""Record scope, generated from the catalog: for every entity that declares an owner and
every scope, a row outside the scope is absent from every way the API reaches it (list,
node, relation, filter, report) and NOT_FOUND to a write, and a row inside it is there.

`own` reaches my rows; `team` mine and those of everyone below me in the org chart (two
levels down here); `all` every row. Entities that declare no ownership are skipped with
the reason they give (domain/<area>/models.py)."""

from __future__ import annotations

import pytest

from domain.ownership import Unowned
from domain.scope import rules
from tenants.access.catalog import catalog
from tests.support.record_scope import OWNERS, PROBES, make_world

SCOPES = ("own", "team", "all")


def _cases() -> list[object]:
    out = []
    for entity in catalog().entities:
        rule = rules().get(entity)
        for scope in SCOPES:
            marks = []
            if isinstance(rule, Unowned):
                marks = [pytest.mark.skip(reason=f"{entity} declares no owner: {rule.reason}")]
            out.append(pytest.param(entity, scope, id=f"{entity}-{scope}", marks=marks))
    return out


def reached(scope: str, owner: str, team_reaches_reports: bool) -> bool:
    if scope == "all" or owner == "me":
        return True
    return scope == "team" and owner == "deep" and team_reaches_reports


def _codes(result) -> set[str]:
    codes = set(result.codes)
    for payload in (result.data or {}).values():
        codes |= {e["code"] for e in (payload or {}).get("userErrors") or ()}
    return codes


@pytest.mark.parametrize(("entity", "scope"), _cases())
async def test_a_row_is_reached_exactly_within_the_scope(gql, tenant, entity, scope):
    assert entity in PROBES, f"{entity} declares an owner but has no scope probe"
    probe = PROBES[entity]
    world = await make_world(tenant, entity, scope)
    rows = [await probe.arrange(world, owner) for owner in OWNERS]
    for row in rows:
        expected = reached(scope, row.owner, probe.team_reaches_reports)
        for read in probe.reads:
            result = await gql(read.query, read.variables(row), token=world.token)
            assert read.seen(result.data, row) is expected, (read.name, row.owner, result.body)
            assert "INTERNAL" not in result.codes, result.body
        if probe.write is not None:
            query, variables = probe.write(row)
            result = await gql(query, variables, token=world.token)
            codes = _codes(result)
            assert ("NOT_FOUND" in codes) is not expected, ("write", row.owner, result.body)
            assert "INTERNAL" not in codes, result.body


def test_every_owned_entity_has_a_probe():
    owned = {e for e, rule in rules().items() if not isinstance(rule, Unowned)}
    assert sorted(owned - set(PROBES)) == []
    assert sorted(set(PROBES) - owned) == []
