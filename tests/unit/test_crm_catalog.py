"""Every field of a CRM entity type is declared in the access catalog (an undeclared
field would be denied to everyone), and every declared field exists in the schema."""

from __future__ import annotations

from graphql import GraphQLObjectType

from api.core.access import entity_of
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import graphql_schema
from tenants.access.areas import crm
from tenants.access.catalog import catalog

REPORTS_AND_ENTITIES = {spec.name for spec in crm.AREA.entities}


def test_crm_types_and_catalog_agree():
    schema = graphql_schema(build_schema(Settings(env="development")))
    seen = set()
    for gtype in schema.type_map.values():
        entity = entity_of(gtype)
        if not isinstance(gtype, GraphQLObjectType) or entity not in REPORTS_AND_ENTITIES:
            continue
        seen.add(entity)
        fields = set(gtype.fields) - {"id"}
        declared = set(catalog()[entity].fields)
        assert fields - declared == set(), f"{entity}: fields missing from the catalog"
        assert declared - fields == set(), f"{entity}: catalog fields the schema lacks"
    assert seen == REPORTS_AND_ENTITIES
