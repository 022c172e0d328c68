"""Text search of the lists: case-insensitive substring match on some columns.

A list declares the fields its search covers (API field names -> columns); a caller
asks with a `Search` naming which of them to use, so a field the caller may not read
is never matched (api.core.access narrows it to the role's readable ones): a match on a
hidden column would answer yes/no about its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class Search:
    text: str
    fields: tuple[str, ...]  # the searched fields to match on


def like_pattern(text: str) -> str:
    """`%text%` with LIKE's wildcards and the escape character taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(
    search: Search | None, columns: Mapping[str, sa.ColumnElement[Any]]
) -> sa.ColumnElement[bool] | None:
    """Rows where one of the search's fields contains its text (None: no search)."""
    if search is None or not search.text.strip():
        return None
    pattern = like_pattern(search.text.strip())
    matches = [columns[name].ilike(pattern, escape="\\") for name in search.fields]
    return sa.or_(*matches) if matches else sa.false()
