"""Mutation payloads: `{ <entity>, userErrors }`, and running one service call all or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry

from api.core.context import Info
from domain.error_codes import UserErrorCode
from domain.errors import DomainError, ValidationFailed
from tenants.principal import Actor

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    # only api/core/context.py names sqlalchemy at run time
    from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")
P = TypeVar("P", bound="DataclassInstance")  # a strawberry type is a dataclass
ERRORS = "user_errors"  # every payload's field of userErrors
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


# A service call given the operation's connection and the acting user.
ActorCall = Callable[["AsyncConnection", Actor], Awaitable[Any]]


def as_actor(info: Info, call: ActorCall) -> Callable[[], Awaitable[Any]]:
    """`call` bound to this operation's transaction and the signed-in actor."""
    context = info.context
    return lambda: call(context.db, context.require_actor())


async def run_service(
    info: Info, call: Callable[[], Awaitable[T]], *, checks_first: bool = False
) -> tuple[T | None, list[UserError]]:
    """Run one service call all or nothing.

    On a DomainError everything the call wrote is undone and the error becomes
    `userErrors`; any other exception propagates (and the whole operation rolls back).
    The undoing is a savepoint of the operation's transaction (two statements), except
    for a `checks_first` service: one whose docstring promises that it makes every
    check before its first write and that its writes cannot be refused, so a refusal
    has written nothing and there is nothing to undo. (Row locks it took stay until
    the operation ends; its refusal tests check that nothing was written.)
    """
    conn = info.context.db
    if checks_first:
        try:
            return await call(), []
        except DomainError as error:
            return None, user_errors(error)
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
    """How a mutation's payload answers what its service call returned: the payload
    type, and its fields made of the result (`Answer.record` for the usual payload of
    one record). When the call fails, every field but userErrors is null."""

    payload: type[P]
    fields: Callable[[Any], Mapping[str, object]]

    @classmethod
    def record(cls, payload: type[P], field: str, convert: Callable[[Any], object]) -> Answer[P]:
        """A payload of one record: `field` is `convert` of the returned row."""
        return cls(payload, lambda row: {field: convert(row)})

    def empty(self) -> dict[str, None]:
        return {f.name: None for f in dataclasses.fields(self.payload) if f.name != ERRORS}


async def respond(
    info: Info,
    answer: Answer[P],
    call: Callable[[], Awaitable[Any]],
    *,
    checks_first: bool = False,
) -> P:
    """The one way a mutation answers: run the service call (run_service; `checks_first`
    for a service documented to check everything before it writes) and build the
    answer's payload from what it returned (all null when it failed or returned
    nothing) and the userErrors."""
    result, errors = await run_service(info, call, checks_first=checks_first)
    fields = answer.empty() if result is None else answer.fields(result)
    return answer.payload(**fields, **{ERRORS: errors})
