"""Every place that gathers one kind of area module lists each area that has one, in
area order (tenants.access.areas), so a new area cannot be silently left out of the
schema, record scope, tenant defaults or the demo. The lists are explicit imports;
this test is what discovers the modules on disk."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from api import schema
from domain import demo, entities, tenancy
from tenants.access import areas
from tenants.access.areas import AREA_NAMES

ROOT = Path(__file__).resolve().parents[2]
NOT_AREAS = {"viewer"}  # api/viewer: the caller, listed first in api.schema.QUERIES


def gathered(package: str, module: str, name: str) -> list[Any]:
    """`package.<area>.module.name` of every area whose module has it, in area order."""
    found = {p.parent.name for p in (ROOT / package).glob(f"*/{module}.py")} - NOT_AREAS
    assert found <= set(AREA_NAMES), f"{package}/{sorted(found - set(AREA_NAMES))}: no area"
    modules = [importlib.import_module(f"{package}.{a}.{module}") for a in AREA_NAMES if a in found]
    return [getattr(m, name) for m in modules if hasattr(m, name)]


def flat(groups: list[Any]) -> list[Any]:
    return [item for group in groups for item in group]


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        (lambda: schema.QUERIES[2:], lambda: gathered("api", "queries", "Query")),
        (lambda: schema.MUTATIONS, lambda: gathered("api", "mutations", "Mutation")),
        (lambda: schema.NODE_TYPES, lambda: flat(gathered("api", "types", "NODE_TYPES"))),
        (lambda: entities.AREA_ENTITIES, lambda: gathered("domain", "models", "ENTITIES")),
        (lambda: tenancy.AREA_DEFAULTS, lambda: gathered("domain", "defaults", "seed_defaults")),
        (lambda: demo.AREA_DEMOS, lambda: gathered("domain", "demo", "seed")),
    ],
    ids=["queries", "mutations", "node types", "entities", "defaults", "demo"],
)
def test_each_listing_names_every_area_in_area_order(listed, expected):
    assert list(listed()) == expected()


def test_the_catalog_lists_every_area_declaration():
    on_disk = {p.stem for p in (ROOT / "tenants/access/areas").glob("[!_]*.py")}
    assert set(AREA_NAMES) == on_disk
    declared = [importlib.import_module(f"tenants.access.areas.{a}").AREA for a in AREA_NAMES]
    assert list(areas.AREAS) == declared
