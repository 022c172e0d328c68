"""Roles', users' and API clients' own failures. The generic codes (NOT_FOUND, CONFLICT, DUPLICATE, INVALID_STATE, …) are
domain.errors.ErrorCode."""

from __future__ import annotations

from enum import StrEnum


class AdminError(StrEnum):
    READ_ONLY = "READ_ONLY"
    IN_USE = "IN_USE"
    LAST_ADMIN = "LAST_ADMIN"
    REVOKED = "REVOKED"
