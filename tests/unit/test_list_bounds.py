"""Every list field without `first` declares the most items it answers (api/cost.py:
`metadata=at_most(N)`), so the cost limit counts it at its real size; generated from the
schema, so a new list cannot forget. Lists of scalars and enums are leaves: their items
cost nothing below them."""

from __future__ import annotations

import importlib
import pkgutil

from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type, is_leaf_type

import domain
from api.cost import PAGE_ARGUMENTS, declared_bound, is_list
from api.schema import build_schema
from api.strawberry_internals import graphql_schema
from domain.admin.audit import CHANGES_PER_EVENT
from tenants.tables import metadata

# Lists still counted as the largest page (api/cost.py), each for its reason: they
# have no per-parent bound yet. Shrink this; never grow it without a reason.
COUNTED_AS_LARGEST_PAGE = {
    # months in the range asked for x currencies; the range is the caller's
    "Query.revenueReport",
    # products x warehouses of the tenant
    "Query.stockValuationReport",
    # one per month with an expected close date: any number of months
    "ForecastReport.months",
}
# and every mutation payload's `userErrors`: one per failed input field or order line,
# answered once per operation, so the largest page is a fair count
PAYLOAD_ERRORS = ".userErrors"


def _bounded_lists() -> dict[str, int | None]:
    schema = graphql_schema(build_schema())
    out: dict[str, int | None] = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in kind.fields.items():
            if not is_list(field) or any(a in field.args for a in PAGE_ARGUMENTS):
                continue
            if is_leaf_type(get_named_type(field.type)):
                continue
            out[f"{name}.{field_name}"] = declared_bound(field)
    return out


def test_every_list_without_first_declares_its_bound():
    lists = _bounded_lists()
    missing = sorted(k for k, bound in lists.items() if bound is None)
    payloads = {k for k in missing if k.endswith(PAYLOAD_ERRORS)}
    assert sorted(set(missing) - payloads - COUNTED_AS_LARGEST_PAGE) == []
    assert set(missing) >= COUNTED_AS_LARGEST_PAGE, "bounded now: take it off the list"


def test_declared_bounds_are_positive():
    assert all(b is None or b >= 1 for b in _bounded_lists().values())


def test_no_audited_table_has_more_columns_than_an_event_has_changes():
    importlib.import_module("tenants.models")
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)
    widest = max(metadata.tables.values(), key=lambda t: len(t.columns))
    assert len(widest.columns) <= CHANGES_PER_EVENT, widest.name
