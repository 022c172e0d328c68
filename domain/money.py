"""Money: Decimal amounts with an ISO 4217 currency. Never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from domain.errors import DomainError

# The currencies Atrium accepts (ISO 4217), with their minor units.
CURRENCIES: dict[str, int] = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2,
    "GBP": 2, "HKD": 2, "HUF": 2, "INR": 2, "JPY": 0, "KRW": 0, "MXN": 2, "NOK": 2,
    "NZD": 2, "PLN": 2, "SEK": 2, "SGD": 2, "TRY": 2, "USD": 2, "ZAR": 2,
}  # fmt: skip
# A per-currency list (a report's amounts, a customer's overdue amount) has at most one
# item per accepted currency: every currency written goes through `currency()` below.
# api/cost.py counts it.
MAX_CURRENCIES = len(CURRENCIES)


def currency(code: str, *, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if code not in CURRENCIES:
        raise DomainError(
            f"Unknown currency {code!r}; use an ISO 4217 code such as EUR.", field=field
        )
    return code


def amount(
    value: Decimal | str | int, *, field: str = "amount", allow_negative: bool = False
) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field} must be a decimal number.", field=field) from None
    if not result.is_finite():
        raise DomainError(f"{field} must be a finite decimal number.", field=field)
    if result < 0 and not allow_negative:
        raise DomainError(f"{field} must not be negative.", field=field)
    return result


def round_money(value: Decimal, code: str) -> Decimal:
    """Banker's rounding to the currency's minor unit: the one rounding rule in Atrium."""
    return value.quantize(Decimal(1).scaleb(-CURRENCIES[code]), rounding=ROUND_HALF_EVEN)


# The scale of every numeric column in Atrium (money is numeric(18,4); no percentage
# has more places), so printing with it never drops a stored digit.
PRINTED_PLACES = 4
_PRINTED = Decimal(1).scaleb(-PRINTED_PLACES)


def decimal_string(value: Decimal | int | str) -> str:
    """How Atrium prints every decimal, wherever it leaves: the Decimal scalar (stored,
    summed or derived), webhook payloads and the audit log's values. Always four
    places ("120.0000", "0.0000"), so a client sees one format whether a value came
    from a column, a SUM or Python arithmetic; a negative zero prints as zero."""
    printed = Decimal(str(value)).quantize(_PRINTED, rounding=ROUND_HALF_EVEN)
    return f"{printed if printed else abs(printed):f}"
