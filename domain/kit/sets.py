"""Rows sent as one set: a statement that writes or matches many rows takes them as
one bound array per column (`unnest(…) AS name(col, …)`), so its text, and its
prepared statement, is the same for one row or two hundred. Such a statement is built
once (building one costs more than running it) and executed with `parameters`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY


def rows_of(name: str, columns: Sequence[sa.Column[Any]]) -> sa.TableValuedAlias:
    """A FROM item called `name` with the rows given at execution (`parameters`), its
    columns named and typed like `columns`."""
    arrays = [sa.bindparam(f"{name}_{c.name}", type_=ARRAY(c.type)) for c in columns]
    return (
        sa.func.unnest(*arrays)
        .table_valued(*(sa.column(c.name, c.type) for c in columns))
        .render_derived(name=name)
    )


def parameters(
    name: str, columns: Sequence[sa.Column[Any]], rows: Sequence[Mapping[str, Any]]
) -> dict[str, list[Any]]:
    """The parameters of `rows_of(name, columns)` for `rows` (each a mapping with a
    value per column name)."""
    return {f"{name}_{c.name}": [row[c.name] for row in rows] for c in columns}
