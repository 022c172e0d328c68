"""The org chart's own failures. The generic codes (NOT_FOUND, CONFLICT, DUPLICATE, INVALID_STATE, …) are
domain.errors.ErrorCode."""

from __future__ import annotations

from enum import StrEnum


class HrError(StrEnum):
    MANAGER_CYCLE = "MANAGER_CYCLE"
    DEPARTMENT_CYCLE = "DEPARTMENT_CYCLE"
    ALREADY_TERMINATED = "ALREADY_TERMINATED"
