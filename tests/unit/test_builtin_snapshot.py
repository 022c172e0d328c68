"""The built-in permission map is a reviewed file: a change to who-sees-what must
change tests/snapshots/builtin_permissions.json in the same commit."""

from tenants.access.snapshot import SNAPSHOT, render


def test_builtin_permissions_match_the_reviewed_snapshot():
    assert SNAPSHOT.exists(), "missing snapshot: run `make permissions` and review the file"
    assert SNAPSHOT.read_text() == render(), (
        "The built-in roles' permissions changed. If that is intended, run "
        "`make permissions` and commit tests/snapshots/builtin_permissions.json."
    )
