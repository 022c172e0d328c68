"""Audit changes by field name, redacted under the reader's policy."""

from domain.admin.audit import field_for_column, visible_changes
from domain.naming import snake_to_camel
from tenants.access.builtin import builtin_policy
from tenants.access.policy import EntityGrant, Policy

CHANGES = {
    "email": {"old": None, "new": "a@b.example"},
    "role_id": {"old": None, "new": "r1"},
    "legacy_flag": {"old": None, "new": True},  # a column no catalog field stands for
}


def test_columns_map_to_catalog_fields():
    assert snake_to_camel("created_at") == "createdAt"
    assert field_for_column("User", "email") == "email"
    assert field_for_column("User", "role_id") == "role"
    assert field_for_column("User", "legacy_flag") is None
    assert field_for_column("Nothing", "email") is None


def test_a_partial_reader_sees_only_its_fields():
    reader = Policy(
        {"User": EntityGrant(frozenset({"read"}), "all", frozenset({"email"}), frozenset())}
    )
    seen = {c.field: (c.new, c.redacted) for c in visible_changes("User", CHANGES, reader)}
    assert seen == {
        "email": ("a@b.example", False),
        "role": (None, True),
        "legacyFlag": (None, True),
    }


def test_a_reader_of_every_field_sees_unmapped_columns_too():
    seen = visible_changes("User", CHANGES, builtin_policy("tenant_admin"))
    assert all(not c.redacted for c in seen)
    assert {c.field for c in seen} == {"email", "role", "legacyFlag"}


def test_a_reader_without_the_entity_sees_nothing():
    seen = visible_changes("User", CHANGES, builtin_policy("sales_rep"))
    assert all(c.redacted and c.new is None for c in seen)
