"""At most N rows per parent in one statement, whatever the number of parents: the
rows are ranked per parent in SQL (`row_number() OVER (PARTITION BY …)`), so a bounded
list (a customer's latest orders, a deal's latest stage changes) costs one statement
for a whole page of parents."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def first_per_parent(query: sa.Select[Any], parent: Any, order_by: Any, limit: int) -> sa.Subquery:
    """`query`'s first `limit` rows per `parent` in `order_by`, with their `rank`
    (1, 2, …) as a column."""
    rank = sa.func.row_number().over(partition_by=parent, order_by=order_by).label("rank")
    ranked = query.add_columns(rank).subquery()
    return sa.select(ranked).where(ranked.c.rank <= limit).subquery()
