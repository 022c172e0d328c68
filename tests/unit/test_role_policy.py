"""Role permissions stored as data: strict validation for what admins send, a lenient
reading for what is stored (the catalog may have changed since)."""

import pytest

from tenants.access.policy import Policy, PolicyError

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
