"""Role permissions stored as data: strict validation for what admins send, a lenient
reading for what is stored (the catalog may have changed since)."""

import pytest

from tenants.access.builtin import builtin_policy
from tenants.access.policy import Policy, PolicyError, Read

ROLE = {"Role": {"actions": ["read"], "scope": "all", "read": ["key", "name"], "write": []}}


def test_a_valid_definition_round_trips():
    assert Policy.from_json(ROLE).as_json() == {
        "Role": {"actions": ["read"], "scope": "all", "read": ["key", "name"], "write": []}
    }


def test_every_problem_is_reported_at_once():
    bad = {
        "Nope": {},
        "Role": {"actions": ["read", "fly"], "scope": "galaxy", "read": ["key", "colour"]},
        "User": {"actions": ["update"], "write": ["active"]},
    }
    with pytest.raises(PolicyError) as caught:
        Policy.from_json(bad)
    assert caught.value.problems == [
        ("Nope", "unknown entity 'Nope'"),
        ("Role.actions", "Role has no action 'fly'"),
        ("Role.scope", "unknown scope 'galaxy' (own, team, all)"),
        ("Role.read", "Role has no field 'colour'"),
        ("User.write", "User.active is read-only"),
    ]


def test_a_stored_role_drops_what_the_catalog_no_longer_knows():
    stored = {
        "Gone": {"actions": ["read"]},
        "Role": {"actions": ["read", "fly"], "scope": "galaxy", "read": ["key", "colour"]},
    }
    policy = Policy.from_json(stored, strict=False)
    assert set(policy.grants) == {"Role"}
    assert policy.grants["Role"].actions == {"read"}
    assert policy.scope("Role") == "own"  # fails closed
    assert policy.grants["Role"].read == {"key"}


def test_users_read_their_own_account_and_the_names_records_give_them():
    rep = builtin_policy("sales_rep")
    assert rep.read("User", "name") == Read.REFERENCE
    assert rep.read("User", "email") == Read.SELF and rep.read("User", "roleKey") == Read.SELF
    assert rep.read("User", "id") == Read.SELF | Read.REFERENCE
    assert rep.read("User", "active") == Read.DENY and not rep.can("User", "read")
    admin = builtin_policy("tenant_admin")
    assert all(admin.read("User", f) is Read.ALLOW for f in ("id", "name", "email", "active"))


def test_own_scope_on_a_referable_entity_keeps_granted_fields_to_the_own_row():
    """A colleague met as a deal's owner lies outside scope `own` on User."""
    own = Policy.from_json({"User": {"actions": ["read"], "scope": "own", "read": ["active"]}})
    assert own.read("User", "active") == Read.SELF
    assert own.read("User", "name") == Read.REFERENCE
    assert own.can_read("User", "active")  # a filter or sort key stays within the scope
