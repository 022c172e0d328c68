"""Input checks every area shares: each returns the cleaned value or raises a
DomainError (BAD_USER_INPUT) naming the input field."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, TypeVar

from domain.errors import DomainError
from domain.money import amount

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_MONEY = Decimal(10) ** 14  # numeric(18, 4)
MONEY_PLACES = 4
T = TypeVar("T")


def not_null(value: T | None, field: str) -> T:
    """A value given for a field that null cannot clear (a given None is refused, as
    UNSET, "not given", never reaches a check)."""
    if value is None:
        raise DomainError(f"{field} cannot be null.", field=field)
    return value


def required_text(value: str | None, field: str, *, max_length: int = 500) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"{field} must not be empty.", field=field)
    if len(text) > max_length:
        raise DomainError(f"{field} is longer than {max_length} characters.", field=field)
    return text


def optional_text(value: str | None, field: str, *, max_length: int = 5000) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_length:
        raise DomainError(f"{field} is longer than {max_length} characters.", field=field)
    return text or None


def email(value: str | None, field: str = "email") -> str | None:
    text = optional_text(value, field, max_length=254)
    if text is not None and not EMAIL.match(text):
        raise DomainError(f"{text!r} is not a valid email address.", field=field)
    return text


def money(value: Any, field: str) -> Decimal:
    """A non-negative amount that fits the money columns, numeric(18, 4)."""
    result = amount(value, field=field)
    exponent = result.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_PLACES:
        raise DomainError(f"{field} has more than {MONEY_PLACES} decimal places.", field=field)
    if result >= MAX_MONEY:
        raise DomainError(f"{field} must be less than {MAX_MONEY:,}.", field=field)
    return result


def percent(value: Any, field: str = "probability") -> Decimal:
    result = amount(value, field=field)
    if result > 100:
        raise DomainError(f"{field} is between 0 and 100.", field=field)
    return result


def choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise DomainError(f"{field} must be one of {', '.join(allowed)}.", field=field)
    return value


def count(value: int, field: str, *, allow_zero: bool = False) -> int:
    if value < 0 or (value == 0 and not allow_zero):
        raise DomainError(
            f"{field} must be {'zero or more' if allow_zero else 'greater than zero'}.",
            field=field,
        )
    return value
