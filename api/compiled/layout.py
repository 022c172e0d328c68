"""A level tree laid out in one statement.

The levels are numbered depth-first; each level's labels have a position in the
statement's row (`Layout.index`), which the converter reads. The statement nests each
level as a sub-select of its table — the root's rows as a sub-select of the list's own
query, each to-one relation as a `LEFT JOIN LATERAL` within record scope — so that a
table reached twice (an employee's manager) never correlates with itself. A to-many
relation is a lateral sub-select that aggregates its rows (laid out the same way, one
level down) into one JSON array per parent row, in the relation's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from api.compiled.levels import Joined, Level, Many, Unsupported
from domain.scope import in_scope
from tenants.principal import Actor

# PostgreSQL functions take at most 100 arguments: an item's array holds fewer columns
MAX_ITEM_COLUMNS = 100


@dataclass
class Layout:
    levels: list[tuple[Level, int | None, Any]]  # (level, parent number, its ToOne)
    labels: list[list[str]] = field(default_factory=list)  # per level, in row order
    index: dict[tuple[int, str], int] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # the root level's additional labels (a sort key)


def many_label(slot: Many) -> str:
    return f"many_{slot.key}"


def order_labels(slot: Many) -> tuple[str, ...]:
    return tuple(f"order_{i}" for i in range(len(slot.spec.order) + 1))


def lay_out(root: Level, extra: tuple[str, ...] = ()) -> Layout:
    layout = Layout([], extra=extra)

    def visit(level: Level, parent: int | None, edge: Any) -> None:
        number = len(layout.levels)
        layout.levels.append((level, parent, edge))
        for slot in level.slots:
            if isinstance(slot, Joined):
                slot.child_no = len(layout.levels)
                visit(slot.child.level, number, slot.child)
            elif isinstance(slot, Many):
                slot.layout = lay_out(slot.items, order_labels(slot))
                if len(slot.layout.index) > MAX_ITEM_COLUMNS:
                    raise Unsupported("too many columns for a JSON item")

    visit(root, None, None)
    for number, (level, _, _) in enumerate(layout.levels):
        labels = [*level.columns, *(extra if number == 0 else ())]
        labels += [many_label(s) for s in level.slots if isinstance(s, Many)]
        layout.labels.append(labels)
        for label in labels:
            layout.index[number, label] = len(layout.index)
    return layout


def statement(
    layout: Layout,
    actor: Actor,
    root: sa.Select[Any],
    extra: Mapping[str, Any] = {},
    prefix: str = "r",
) -> sa.Select[Any]:
    """One SELECT of every level's labels: `root` (its rows: where, order, limit) with the
    levels below joined laterally. `prefix` keeps nested statements' aliases apart."""
    levels = layout.levels
    top = levels[0][0]
    inner = root.with_only_columns(
        *top.select(actor),
        *(value.label(label) for label, value in extra.items()),
        maintain_column_froms=True,
    )
    aliases: list[Any] = [inner.subquery(f"{prefix}0")]
    sources: dict[tuple[int, str], Any] = {}
    joined: Any = aliases[0]
    for number, (level, parent, edge) in enumerate(levels):
        if number:
            above = aliases[parent]  # type: ignore[index]
            conditions = [level.table.c.id == above.c[edge.key]]
            if edge.scoped:
                conditions.append(in_scope(actor, level.entity))
            rows = sa.select(*level.select(actor)).select_from(level.source)
            sub = rows.where(*conditions).lateral(f"{prefix}{number}")
            aliases.append(sub)
            joined = joined.outerjoin(sub, sa.true())
        for slot in level.slots:
            if isinstance(slot, Many):
                name = f"{prefix}{number}_{len(sources)}"
                items = _items(slot, aliases[number], actor, name)
                sources[number, many_label(slot)] = items.c["rows_json"]
                joined = joined.outerjoin(items, sa.true())
    columns = [
        sources[number, label] if (number, label) in sources else aliases[number].c[label]
        for number, labels in enumerate(layout.labels)
        for label in labels
    ]
    return sa.select(*columns).select_from(joined)


def _items(slot: Many, parent: Any, actor: Actor, name: str) -> Any:
    """The lateral sub-select of a to-many relation's rows below `parent`: one JSON
    array of item arrays, in the relation's order (NULL when there are none)."""
    spec = slot.spec
    table = spec.table
    rows = (
        sa.select(table)
        .select_from(slot.items.source)
        .where(table.c[spec.key] == parent.c.id, spec.within(actor))
        .correlate(parent)
    )
    ordered = spec.ordering(table.c)
    if spec.limit is not None:
        scan = [c.desc() for c in ordered] if spec.latest else ordered
        rows = rows.order_by(*scan).limit(spec.limit)
    keys = dict(zip(order_labels(slot), ordered, strict=True))
    found = statement(slot.layout, actor, rows, keys, prefix=f"{name}_").subquery(f"{name}_rows")
    item = sa.func.json_build_array(*found.c)
    in_order = aggregate_order_by(item, *(found.c[label] for label in keys))
    return sa.select(sa.func.json_agg(in_order).label("rows_json")).lateral(name)
