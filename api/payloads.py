"""Mutation payloads: `{ <entity>, userErrors }`, and running one service call all or nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

import strawberry

from domain.error_codes import UserErrorCode
from domain.errors import DomainError, ValidationFailed

T = TypeVar("T")
strawberry.enum(
    UserErrorCode, description="Why a mutation refused its input: a generic code or an area's."
)


@strawberry.type(description="An expected business failure; nothing was written.")
class UserError:
    field: str | None = strawberry.field(description="Input field at fault, when there is one.")
    message: str
    code: StrEnum = strawberry.field(
        graphql_type=UserErrorCode,
        description="BAD_USER_INPUT, NOT_FOUND, CONFLICT, DUPLICATE, INSUFFICIENT_STOCK, …",
    )


def user_errors(error: DomainError) -> list[UserError]:
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    return [
        UserError(field=p.field, message=p.message, code=UserErrorCode(p.code)) for p in problems
    ]


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


async def respond(
    info: Any,
    payload: type[T],
    field: str,
    convert: Callable[[Any], Any],
    call: Callable[[], Awaitable[Any]],
) -> T:
    """Run one service call (run_service) and answer `payload` with `field` set to
    `convert` of what the call returned (None when it failed) and the userErrors."""
    row, errors = await run_service(info, call)
    return payload(**{field: None if row is None else convert(row)}, user_errors=errors)  # type: ignore[call-arg]
