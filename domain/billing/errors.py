"""Invoices' and payments' own failures. The generic codes (NOT_FOUND, CONFLICT, DUPLICATE, INVALID_STATE, …) are
domain.errors.ErrorCode."""

from __future__ import annotations

from enum import StrEnum


class BillingError(StrEnum):
    EXCEEDS_AMOUNT_DUE = "EXCEEDS_AMOUNT_DUE"
    TOO_MANY = "TOO_MANY"
