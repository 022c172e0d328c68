"""Sort keys are catalog fields whose columns the entity's description gives: a list
declares only which fields it sorts by, and every `orderBy` of the API offers exactly
the keys its repository sorts by."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, get_named_type

from api.core.access import entity_of
from api.schema import build_schema
from api.settings import Settings
from api.strawberry_internals import graphql_schema
from domain.admin import repository as admin
from domain.billing import repository as billing
from domain.crm import repository as crm
from domain.crm.models import ENTITIES as CRM
from domain.entity import stored
from domain.hr import repository as hr
from domain.inventory import repository as inventory
from domain.sales import repository as sales

SCHEMA = graphql_schema(build_schema(Settings(env="development")))
# each entity's sort keys, as its repository declares them
REPOSITORY_SORTS: dict[str, dict[str, Any]] = {
    **crm.SORTS,
    "User": admin.USER_SORT,
    "Role": admin.ROLE_SORT,
    "Employee": hr._SORT_KEYS,
    "Product": inventory.PRODUCT_SORTS,
    "SalesOrder": sales.ORDER_SORTS,
    "Invoice": billing.SORT_KEYS,
}


def offered() -> dict[str, set[str]]:
    """Entity -> the sort keys its `orderBy` inputs offer (their enums' values)."""
    found: dict[str, set[str]] = {}
    for gtype in SCHEMA.type_map.values():
        if not isinstance(gtype, GraphQLInputObjectType) or "field" not in gtype.fields:
            continue
        enum = get_named_type(gtype.fields["field"].type)
        if gtype.name.endswith("Order") and isinstance(enum, GraphQLEnumType):
            keys = {getattr(v.value, "value", v.value) for v in enum.values.values()}
            found.setdefault(entity_of(gtype), set()).update(keys)
    return found


@pytest.mark.parametrize("entity", sorted(REPOSITORY_SORTS))
def test_the_api_offers_exactly_the_sort_keys_the_repository_sorts_by(entity):
    assert offered()[entity] == set(REPOSITORY_SORTS[entity])


def test_every_list_with_an_order_by_has_its_sort_keys_here():
    assert sorted(offered()) == sorted(REPOSITORY_SORTS)


def test_a_sort_key_is_the_column_the_description_gives():
    assert stored(CRM, "Deal").sort_columns("expectedCloseOn") == {
        "expectedCloseOn": crm.deals.c.expected_close_on
    }


def test_a_field_kept_in_no_column_is_no_sort_key():
    with pytest.raises(ValueError, match="overdue"):
        stored(CRM, "Activity").sort_columns("dueAt", "overdue")
