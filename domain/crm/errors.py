"""The front office's own failures. The generic codes (NOT_FOUND, CONFLICT, DUPLICATE, INVALID_STATE, …) are
domain.errors.ErrorCode."""

from __future__ import annotations

from enum import StrEnum


class CrmError(StrEnum):
    ALREADY_CONVERTED = "ALREADY_CONVERTED"
    DEAL_CLOSED = "DEAL_CLOSED"
    STAGE_IN_USE = "STAGE_IN_USE"
    TOO_MANY_STAGES = "TOO_MANY_STAGES"
