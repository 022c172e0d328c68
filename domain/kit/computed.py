"""An entity's rows with the columns computed from them (a product's stock totals), in
one place: the repository selects `select()`, and the compiled read path (api/compiled)
takes the computed fields it needs from `columns`, over the same `source`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from domain.entity import snake_case


@dataclass(frozen=True)
class Computed:
    table: sa.Table
    source: Any  # the FROM that gives the computed columns (the table, or it joined)
    columns: Mapping[str, sa.ColumnElement[Any]]  # catalog field -> its expression

    def select(self) -> sa.Select[Any]:
        """Every column of the table and every computed one, named by its column name."""
        computed = (value.label(snake_case(name)) for name, value in self.columns.items())
        return sa.select(self.table, *computed).select_from(self.source)
