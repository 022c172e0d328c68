"""The shared input helpers of api/core: one meaning each for "left out", "null" and
"sent", and a search that only ever reaches a repository narrowed by the guard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from strawberry import UNSET

from api.core.access import searched
from api.core.inputs import has_value, sent_fields, sent_items, sent_or_none
from api.core.rows import column_values, from_row_or_none
from domain.search import Search


def test_left_out_and_null_read_as_none_and_only_values_count_as_given() -> None:
    assert [has_value(v) for v in (UNSET, None, 0, "", False)] == [False, False, True, True, True]
    assert [sent_or_none(v) for v in (UNSET, None, 0)] == [None, None, 0]


def test_sent_fields_keeps_an_explicit_null_and_leaves_out_what_was_not_sent() -> None:
    @dataclass
    class Input:
        name: Any = UNSET
        description: Any = UNSET
        unit_cost: Any = UNSET

    sent = Input(name="Bolt", description=None)
    assert sent_fields(sent, {"name": "name", "description": "descr", "unit_cost": "cost"}) == {
        "name": "Bolt",
        "descr": None,
    }
    assert list(sent_items(sent, skip=("name",))) == [("description", None)]


def test_rows_convert_by_column_name_and_no_row_is_none() -> None:
    @dataclass
    class Row:
        a: int
        b: str

    class Kind:
        @classmethod
        def from_row(cls, row: Any) -> tuple[int, str]:
            return (row.a, row.b)

    assert column_values(Row(1, "x"), "b", "a") == {"b": "x", "a": 1}
    assert from_row_or_none(Kind, Row(2, "y")) == (2, "y")
    assert from_row_or_none(Kind, None) is None


def test_a_search_is_the_guards_narrowed_one_never_a_plain_string() -> None:
    narrowed = Search("acme", ("name",))
    assert searched(narrowed) is narrowed
    assert searched(None) is None and searched(UNSET) is None
    with pytest.raises(TypeError):
        searched("acme")  # the guard did not run: never search fields unchecked
