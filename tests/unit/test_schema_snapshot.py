"""The committed SDL is the API's contract: any change to it shows up in review."""

from __future__ import annotations

import difflib

from api.schema import sdl
from tests.conftest import ROOT


def test_schema_graphql_is_up_to_date():
    committed = (ROOT / "schema.graphql").read_text()
    current = sdl()
    if current != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "schema.graphql (committed)",
                "api.schema.sdl() (code)",
            )
        )
        raise AssertionError(
            "schema.graphql is out of date with the code. If the API change is intended, "
            f"run `make schema` and commit schema.graphql.\n{diff}"
        )
