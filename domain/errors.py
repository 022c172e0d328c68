"""Expected business failures. Mutations turn them into `userErrors`; queries into
top-level errors with the same code. Anything else is a bug and gets masked."""

from __future__ import annotations


class DomainError(Exception):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    """Also what an id of another tenant gets: indistinguishable from a missing id."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """A stale `version`, or a state that changed underneath the caller."""

    code = "CONFLICT"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class ValidationFailed(DomainError):
    """Several field problems at once."""

    def __init__(self, problems: list[DomainError]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
