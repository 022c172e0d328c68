"""Sales orders' own failures. The generic codes (NOT_FOUND, CONFLICT, DUPLICATE, INVALID_STATE, …) are
domain.errors.ErrorCode."""

from __future__ import annotations

from enum import StrEnum


class SalesError(StrEnum):
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    DEAL_NOT_WON = "DEAL_NOT_WON"
    LINES_REQUIRED = "LINES_REQUIRED"
    DEAL_AMOUNT_MISMATCH = "DEAL_AMOUNT_MISMATCH"
    CREDIT_LIMIT_EXCEEDED = "CREDIT_LIMIT_EXCEEDED"
    TOO_MANY_LINES = "TOO_MANY_LINES"
