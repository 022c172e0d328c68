"""Idempotency keys on every mutation (README "Idempotent retries and persisted queries").

A mutation sent with an `Idempotency-Key` header claims the key for its caller inside
its own transaction (`domain/idempotency.py: claim`), before it runs, and stores its
answer there before committing: a rolled-back mutation leaves no key behind, a
committed one always has its answer. A retry with the same key and the same request
(query text, variables, operation name) is answered from the store with
`extensions.idempotentReplay: true` and runs nothing; another request under the key is
`IDEMPOTENCY_KEY_REUSED` (HTTP 422). Two requests with one key at once: the second's
claim waits until the first commits, then replays its answer. Queries ignore the
header: they write nothing, so running them again is harmless.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError

from api.errors import Code, shape_error
from domain import idempotency as store

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

    from api.core.context import Context

HEADER = "idempotency-key"
REPLAY_HEADER = "Idempotent-Replayed"


@dataclass
class IdempotentRequest:
    """A request's `Idempotency-Key`, and what became of it."""

    key: str
    request_hash: str | None = None  # set once the key is claimed for this request
    replay: dict[str, Any] | None = None  # the stored answer, when this is a retry

    def replayed(self) -> dict[str, Any] | None:
        """The answer to send for a retry (the stored one, marked), else None."""
        if self.replay is None:
            return None
        extensions = {**self.replay.get("extensions", {}), "idempotentReplay": True}
        return {**self.replay, "extensions": extensions}


def request_hash(query: str | None, variables: object, operation_name: str | None) -> str:
    """What a retry must repeat: the text, the variables (keys in any order), the name."""
    canonical = orjson.dumps([query, variables or {}, operation_name], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def _refusal(code: Code, message: str) -> GraphQLExecutionResult:
    return GraphQLExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"code": str(code)})]
    )


async def begin(context: Context, ec: ExecutionContext) -> GraphQLExecutionResult | None:
    """In the mutation's transaction, before it runs: None to run it (the key is now
    this request's), else the result to answer instead (a replay or a refusal)."""
    given = context.idempotency
    assert given is not None and context.principal is not None
    if not 1 <= len(given.key) <= store.MAX_KEY_LENGTH:
        return _refusal(
            Code.BAD_USER_INPUT,
            f"The Idempotency-Key header must be 1 to {store.MAX_KEY_LENGTH} characters.",
        )
    fingerprint = request_hash(ec.query, ec.variables, ec.operation_name)
    ttl = timedelta(seconds=context.settings.idempotency_ttl_seconds)
    stored = await store.claim(
        context.db, context.principal.tenant_id, context.user_id, given.key, fingerprint, ttl
    )
    if stored is None:
        given.request_hash = fingerprint
        return None
    if stored.request_hash != fingerprint:
        return _refusal(
            Code.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used for another request; use a new key for a new request.",
        )
    if stored.response is None:  # cannot be seen committed; kept as a guard
        return _refusal(
            Code.IDEMPOTENCY_IN_PROGRESS, "The first request with this key is still running."
        )
    given.replay = orjson.loads(stored.response)
    # strawberry runs nothing when a result is there; process_result sends the replay
    return GraphQLExecutionResult(data=None)


def replaying(context: Context) -> bool:
    return context.idempotency is not None and context.idempotency.replay is not None


async def record(context: Context, result: Any) -> None:
    """Store the answer of the mutation that claimed the key (before its commit), as
    process_result will send it."""
    given = context.idempotency
    if given is None or given.request_hash is None:
        return
    errors = result.errors or []
    answer: dict[str, Any] = {"data": result.data}
    if errors:
        answer["errors"] = [shape_error(e, context.request_id).formatted for e in errors]
    await store.record(context.db, context.user_id, given.key, orjson.dumps(answer).decode())
