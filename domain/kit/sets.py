"""Rows sent as one set: a statement that writes or matches many rows takes them as
one bound array per column (`unnest(…) AS name(col, …)`), so its text, and its
prepared statement, is the same for one row or two hundred."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY


def rows_of(
    name: str, columns: Sequence[sa.Column[Any]], rows: Sequence[Mapping[str, Any]]
) -> sa.TableValuedAlias:
    """`rows` (each a mapping with a value per column name) as a FROM item called
    `name`, whose columns are named and typed like `columns`."""
    arrays = [
        sa.bindparam(None, [row[c.name] for row in rows], type_=ARRAY(c.type)) for c in columns
    ]
    return (
        sa.func.unnest(*arrays)
        .table_valued(*(sa.column(c.name, c.type) for c in columns))
        .render_derived(name=name)
    )
