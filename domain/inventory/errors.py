"""Stock's own failures. The generic codes (NOT_FOUND, CONFLICT, DUPLICATE, INVALID_STATE, …) are
domain.errors.ErrorCode."""

from __future__ import annotations

from enum import StrEnum


class InventoryError(StrEnum):
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    TOO_MANY_WAREHOUSES = "TOO_MANY_WAREHOUSES"
