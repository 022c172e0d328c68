"""Error codes and how errors leave the server.

Expected errors carry `extensions.code`. Everything else is masked as INTERNAL with
the request id, and logged with its traceback under that id.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError

from domain.errors import DomainError

log = logging.getLogger("atrium.errors")


class Code(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    UNAVAILABLE = "UNAVAILABLE"  # the database is away: retry later (HTTP 503)
    TIMEOUT = "TIMEOUT"  # a statement ran over its time limit (api/timeouts.py)
    # api/idempotency.py: a key sent again with another request (HTTP 422), or while
    # its first request has not finished (HTTP 409)
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"
    # api/persisted.py, Apollo's names: an unknown hash (the client sends the text
    # again), a text or hash not on the allow-list, a text where only hashes run
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    PERSISTED_QUERY_ID_REQUIRED = "PERSISTED_QUERY_ID_REQUIRED"
    INTERNAL = "INTERNAL"


class AppError(Exception):
    """An expected error raised in the GraphQL layer; graphql-core copies `extensions`."""

    def __init__(self, code: Code, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extensions = {"code": str(code), **extra}


def forbidden(message: str = "Not allowed for your role.") -> AppError:
    return AppError(Code.FORBIDDEN, message)


def unauthenticated(message: str = "Authentication required.") -> AppError:
    return AppError(Code.UNAUTHENTICATED, message)


def bad_input(message: str, **extra: Any) -> AppError:
    return AppError(Code.BAD_USER_INPUT, message, **extra)


def internal_message(request_id: str) -> str:
    return f"Internal error. Quote request id {request_id} when reporting it."


def shape_error(error: GraphQLError, request_id: str) -> GraphQLError:
    """Give every error a code; mask and log the unexpected ones."""
    original = error.original_error
    if (
        original is None
        or isinstance(original, StrawberryInputCoercionError)
        or (isinstance(original, GraphQLError) and error.path is None)
    ):
        # parse, validation and variable coercion errors, and values a scalar refused,
        # are the client's
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": str(Code.BAD_USER_INPUT)}
        return error
    if isinstance(original, AppError):
        return error
    if isinstance(original, DomainError):
        error.extensions = {
            "code": original.code,
            **({"field": original.field} if original.field else {}),
        }
        return error
    log.error(
        "unexpected error in %s",
        ".".join(str(p) for p in (error.path or [])) or "operation",
        exc_info=(type(original), original, original.__traceback__),
        extra={"request_id": request_id},
    )
    return GraphQLError(
        internal_message(request_id),
        nodes=error.nodes,
        path=error.path,
        extensions={"code": str(Code.INTERNAL), "requestId": request_id},
    )
