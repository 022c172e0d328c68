"""Documents that ask the database for too much (issue 15)."""

from __future__ import annotations


def aliased_searches(aliases: int) -> str:
    """`aliases` aliases of a 200-row lead search sharing one variable `$s`: with 30 and a
    ~900 kB `$s` (the body stays under 1 MB) it held the database for 73.9 s."""
    fields = " ".join(
        f"l{i}: leads(first: 200, filter: {{search: $s}}) {{ nodes {{ id name }} }}"
        for i in range(aliases)
    )
    return f"query ($s: String) {{ {fields} }}"
