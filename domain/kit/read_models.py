"""Repositories answer small frozen dataclasses (read models) instead of bare rows, so
a reader knows its fields and a derivation (a margin, an amount due) has one home: a
property of the read model, in the domain."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def read(model: type[T], row: Any) -> T:
    """`model` from a row that holds (at least) a column for each of its fields."""
    mapping = row._mapping
    return model(**{f.name: mapping[f.name] for f in fields(model)})  # type: ignore[arg-type]
