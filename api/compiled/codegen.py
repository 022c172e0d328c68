"""A level tree's converter as one Python function, generated once per plan.

Calling a closure per field and row was most of what the first converter cost; the
generated function builds each row's object in one dict display, reading the row by
index. Only names and indices the plan made are written into the source — response
keys and type names, which GraphQL restricts to `[_A-Za-z][_0-9A-Za-z]*`, by `repr` —
never a value of a request or of the database; values reach the function as arguments
or as objects in its namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from graphql import GraphQLBoolean, GraphQLInt, GraphQLString

from api.compiled.layout import many_label
from api.compiled.levels import Convert, Denied, GlobalId, Joined, Leaf, Many, OwnOnly, Typename

# serializers that return a value of their column's Python type unchanged
UNCHANGED: dict[Callable[[Any], Any], type] = {
    GraphQLString.serialize: str,
    GraphQLInt.serialize: int,
    GraphQLBoolean.serialize: bool,
    str: str,  # a value PostgreSQL printed (api.compiled.levels)
}


def generate(layout: Any) -> Convert:
    """`convert(row, path, errors)`: the root level's object of one row."""
    namespace: dict[str, Any] = {}
    body = _object(layout, 0, "path", namespace)
    source = f"def convert(row, path, errors):\n    return {body}\n"
    exec(compile(source, f"<plan {id(layout):x}>", "exec"), namespace)
    convert: Convert = namespace["convert"]
    return convert


def _object(layout: Any, number: int, path: str, namespace: dict[str, Any]) -> str:
    level = layout.levels[number][0]
    index = layout.index
    parts = []
    for slot in level.slots:
        key = repr(slot.key)
        if isinstance(slot, Typename):
            value = repr(slot.name)
        elif isinstance(slot, GlobalId):
            value = f"row[{index[number, 'gid_' + slot.type_name]}]"
        elif isinstance(slot, Leaf):
            value = _leaf(index[number, slot.label], slot, namespace)
        elif isinstance(slot, Joined):
            present = index[slot.child_no, "id"]
            inner = _object(layout, slot.child_no, f"({path}) + ({key},)", namespace)
            value = f"(None if row[{present}] is None else {inner})"
        elif isinstance(slot, Many):
            name = f"_many{len(namespace)}"
            namespace[name] = _many(slot.key, generate(slot.layout))
            value = f"{name}(row[{index[number, many_label(slot)]}], {path}, errors)"
        elif isinstance(slot, (Denied, OwnOnly)):
            name = f"_step{len(namespace)}"
            namespace[name] = slot.step(index, number)
            value = f"{name}(row, {path}, errors)"
        else:
            raise TypeError(f"no source for {type(slot).__name__}")
        parts.append(f"{key}: {value}")
    return "{" + ", ".join(parts) + "}"


def _many(key: str, convert: Convert) -> Callable[[Any, Any, Any], list[Any]]:
    """The items of a to-many relation from their JSON array (None: no items)."""

    def many(value: Any, path: Any, errors: Any) -> list[Any]:
        if value is None:
            return []
        items = orjson.loads(value) if isinstance(value, str | bytes) else value
        return [convert(item, (*path, key, i), errors) for i, item in enumerate(items)]

    return many


def _leaf(at: int, slot: Leaf, namespace: dict[str, Any]) -> str:
    if UNCHANGED.get(slot.serialize) is slot.python_type and slot.python_type is not None:
        return f"row[{at}]"
    name = f"_serialize{len(namespace)}"
    namespace[name] = slot.serialize
    return f"(None if row[{at}] is None else {name}(row[{at}]))"
