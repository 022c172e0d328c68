"""Rows to GraphQL objects: a type copies the row's columns of the same names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class FromRow(Protocol[T_co]):
    """A GraphQL type built from a repository row (`Lead.from_row`)."""

    def from_row(self, row: Any, /) -> T_co: ...


def column_values(row: Any, *names: str) -> dict[str, Any]:
    """The row's values of `names`, to pass as keyword arguments of a type."""
    return {name: getattr(row, name) for name in names}


def from_row_or_none(kind: FromRow[T], row: Any) -> T | None:
    """`kind.from_row(row)`, None for no row."""
    return None if row is None else kind.from_row(row)


def convert_or_none(convert: Callable[[Any], T], row: Any) -> T | None:
    return None if row is None else convert(row)
