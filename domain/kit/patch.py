"""The one spelling of "not given" in the domain: UNSET, distinct from an explicit None
(which clears a column). A command's field that the caller did not send is UNSET;
`patch` keeps only the given ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final


class _Unset:
    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final[Any] = _Unset()


def given(value: object) -> bool:
    return value is not UNSET


def patch(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the keys that were given."""
    return {k: v for k, v in values.items() if v is not UNSET}
