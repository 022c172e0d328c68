"""Mutation payloads: `{ <entity>, userErrors }`, and running one service call all or nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from domain.errors import DomainError, ValidationFailed

T = TypeVar("T")


@strawberry.type(description="An expected business failure; nothing was written.")
class UserError:
    field: str | None = strawberry.field(description="Input field at fault, when there is one.")
    message: str
    code: str = strawberry.field(
        description="BAD_USER_INPUT, NOT_FOUND, CONFLICT, DUPLICATE, INSUFFICIENT_STOCK, …"
    )


def user_errors(error: DomainError) -> list[UserError]:
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    return [UserError(field=p.field, message=p.message, code=p.code) for p in problems]


async def run_service(
    info: Any, call: Callable[[], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run one service call inside a savepoint of the operation's transaction.

    On a DomainError everything the call wrote is rolled back and the error becomes
    `userErrors`; any other exception propagates (and the whole operation rolls back).
    """
    conn = info.context.db
    savepoint = await conn.begin_nested()
    try:
        result = await call()
    except DomainError as error:
        await savepoint.rollback()
        return None, user_errors(error)
    except BaseException:
        await savepoint.rollback()
        raise
    await savepoint.commit()
    return result, []
