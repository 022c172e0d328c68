"""The reviewed snapshot of who-sees-what: every built-in role's permissions.

A test compares `builtin_permission_map()` with the committed file, so any change to
the built-in roles shows up in review. After an intended change (a new entity, a new
grant), regenerate it with `make permissions`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tenants.access.builtin import builtin_permission_map

SNAPSHOT = Path(__file__).resolve().parents[2] / "tests" / "snapshots" / "builtin_permissions.json"


def render() -> str:
    return json.dumps(builtin_permission_map(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    """`python -m tenants.access.snapshot [PATH]`: write the snapshot (default: the committed one)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SNAPSHOT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
