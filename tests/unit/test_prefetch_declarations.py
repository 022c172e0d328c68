"""Every `__prefetch__` declaration names a field of its type as GraphQL names it: a
page prefetches what its client selected, and selections carry GraphQL names, so a
Python name (`converted_customer`) would silently never be prefetched."""

from __future__ import annotations

from graphql import GraphQLObjectType

from api.core.access import _origin
from api.schema import build_schema
from api.settings import Settings


def test_prefetched_relations_are_fields_of_their_type():
    schema = build_schema(Settings(env="development"))._schema
    declaring = 0
    for name, gtype in schema.type_map.items():
        declared = getattr(_origin(gtype), "__prefetch__", None)
        if not isinstance(gtype, GraphQLObjectType) or not declared:
            continue
        declaring += 1
        assert set(declared) - set(gtype.fields) == set(), name
    assert declaring >= 17
