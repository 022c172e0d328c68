"""Expected business failures. Mutations turn them into `userErrors`; queries into
top-level errors with the same code. Anything else is a bug and gets masked."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """The codes every area may raise; an area's own are in domain/<area>/errors.py, and
    domain/error_codes.py joins them all into the one list clients see."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    DUPLICATE = "DUPLICATE"
    INVALID_STATE = "INVALID_STATE"  # the record's status does not allow this


class DomainError(Exception):
    code: StrEnum = ErrorCode.BAD_USER_INPUT

    def __init__(
        self, message: str, *, field: str | None = None, code: StrEnum | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    """Also what an id of another tenant gets: indistinguishable from a missing id."""

    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    """A stale `version`, or a state that changed underneath the caller."""

    code = ErrorCode.CONFLICT


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class ValidationFailed(DomainError):
    """Several field problems at once."""

    def __init__(self, problems: list[DomainError]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
