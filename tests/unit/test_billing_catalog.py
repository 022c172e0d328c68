"""Billing and report types declare exactly the fields of their catalog entities (an
undeclared field would be denied to everyone; a declared one the schema lacks is dead)."""

from __future__ import annotations

from graphql import GraphQLObjectType

from api.core.access import entity_of
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import graphql_schema
from tenants.access.areas import billing, reports
from tenants.access.catalog import catalog

ENTITIES = {spec.name for area in (billing, reports) for spec in area.AREA.entities}


def test_billing_types_and_catalog_agree():
    schema = graphql_schema(build_schema(Settings(env="development")))
    found = {
        entity_of(t): set(t.fields) - {"id"}
        for t in schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and entity_of(t) in ENTITIES
    }
    assert set(found) == ENTITIES
    assert {e: fields for e, fields in found.items() if fields != set(catalog()[e].fields)} == {}
