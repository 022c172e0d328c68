"""Mutation payloads: `{ <entity>, userErrors }`, and running one service call all or nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry

from api.core.context import Info
from api.core.rows import convert_or_none
from domain.errors import DomainError, ValidationFailed
from tenants.principal import Actor

if TYPE_CHECKING:  # only api/core/context.py names sqlalchemy at run time
    from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")
P = TypeVar("P")


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


# A service call given the operation's connection and the acting user.
ActorCall = Callable[["AsyncConnection", Actor], Awaitable[Any]]


def as_actor(info: Info, call: ActorCall) -> Callable[[], Awaitable[Any]]:
    """`call` bound to this operation's transaction and the signed-in actor."""
    context = info.context
    return lambda: call(context.db, context.require_actor())


async def run_service(
    info: Info, call: Callable[[], Awaitable[T]]
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


@dataclass(frozen=True)
class Answer(Generic[P]):
    """How a mutation's payload answers one record: the payload type, the field holding
    the record and how the service's row becomes it."""

    payload: Callable[..., P]
    field: str
    convert: Callable[[Any], object]


async def respond(info: Info, answer: Answer[P], call: Callable[[], Awaitable[Any]]) -> P:
    """The one way a mutation answers one record: run the service call (run_service) and
    build the answer's payload with its field set to the converted row (None when the
    call failed) and the userErrors. Payloads of several records use run_service."""
    row, errors = await run_service(info, call)
    return answer.payload(
        **{answer.field: convert_or_none(answer.convert, row)}, user_errors=errors
    )
