"""Values PostgreSQL (through asyncpg) cannot store or compare faithfully.

Checked where a client's value enters (api/input_checks.py for arguments,
domain/pagination.py for cursors) so that it is the client's error, named, instead of
a failed statement: PostgreSQL refuses NUL in text, numeric(18, 4) overflows beyond
14 integer digits, and asyncpg sends date.max / date.min (and datetime's) as
±infinity, which later date arithmetic refuses.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

MONEY_LIMIT = Decimal(10) ** 14  # numeric(18, 4): 14 digits before the point
FIRST_DAY = date.min + timedelta(days=1)
LAST_DAY = date.max - timedelta(days=1)
INT4 = (-(2**31), 2**31 - 1)
INT8 = (-(2**63), 2**63 - 1)


def problem(value: object, *, money: bool = True) -> str | None:
    """Why `value` cannot go to the database, or None when it can. `money=False` lets
    finite decimals of any size through (computed sort keys use sentinels beyond
    numeric(18, 4))."""
    if isinstance(value, str):
        return "must not contain NUL characters (\\u0000)" if "\x00" in value else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return "must be a finite number"
        if money and abs(value) >= MONEY_LIMIT:
            return f"must be below {MONEY_LIMIT:,} in magnitude"
        return None
    if isinstance(value, datetime):
        return None if _datetime_in_range(value) else _range_message()
    if isinstance(value, date):
        return None if FIRST_DAY <= value <= LAST_DAY else _range_message()
    return None


def _datetime_in_range(value: datetime) -> bool:
    try:
        offset = value.utcoffset() or timedelta(0)
        # naive values are read as UTC; a day of margin keeps any zone in range
        utc = value.replace(tzinfo=None) - offset
    except OverflowError:
        return False
    return FIRST_DAY <= utc.date() <= LAST_DAY


def _range_message() -> str:
    return f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
