"""A built-in role granted a report may read every field the report reveals: a grant the
"reveals" rule of api.core.access would refuse anyway says something the role cannot do."""

from __future__ import annotations

import pytest

from api.core.access import field_access, hidden_field
from api.schema import build_schema
from api.strawberry_internals import field_metadata, graphql_schema
from tenants.access.builtin import BUILTIN_ROLES, builtin_policy

QUERY = graphql_schema(build_schema()).query_type


def _revealing_root_fields():
    for name, field in QUERY.fields.items():
        reveals = field_metadata(field).get("reveals")
        if reveals is not None and not callable(reveals):
            yield name, field_access(field), reveals


@pytest.mark.parametrize("role", [r.key for r in BUILTIN_ROLES])
def test_a_granted_report_reveals_only_readable_fields(role):
    policy = builtin_policy(role)
    for name, (entity, action), reveals in _revealing_root_fields():
        # (a report of single rows, like order margins, is read through their entity)
        if entity not in reveals and policy.can(entity, action):
            assert hidden_field(policy, reveals) is None, (role, name)


def test_every_report_declares_what_it_reveals():
    names = {name for name, *_ in _revealing_root_fields()}
    assert {n for n in QUERY.fields if n.endswith("Report")} <= names
