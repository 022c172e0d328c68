"""Persisted operations: Apollo's automatic persisted queries (APQ) and the operator's
allow-list (README "Idempotent retries and persisted queries").

A request may name its document by hash, `extensions.persistedQuery: {version: 1,
sha256Hash}`, over POST or GET. An unknown hash without the text is answered
`PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`, what Apollo's link retries
on with the text); the hash with the text is checked against the text, registered and
run; later the hash alone runs it. Documents are kept in the global
`persisted_operations` table (every replica sees them) behind a per-process LRU. Only an
authenticated caller's valid document is registered, so nobody can fill the table with
junk.

With `ATRIUM_PERSISTED_ONLY=true` nothing is registered by requests: only the hashes
registered by the operator (`atrium persisted add`) run, a text without a hash is
`PERSISTED_QUERY_ID_REQUIRED` and a hash with a text not registered
`PERSISTED_QUERY_NOT_IN_LIST` (the Apollo router's names).

This runs as a schema extension's `on_operation`, before the document is parsed: it
fills in the execution context's query text (strawberry leaves `query` optional for
this), so parsing, validation, the tenant transaction and idempotency see the text as
if it had been sent.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson
from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.errors import AppError, Code, bad_input
from api.extensions import Documents
from api.strawberry_internals import graphql_schema
from domain.persisted_operations import document_by_hash, register, sha256_hex

if TYPE_CHECKING:
    from api.schema import AtriumSchema

APQ_VERSION = 1
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
# what Apollo's link looks for (by message or by code) before sending the text
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"


def _hash_of(given: object) -> str:
    """The sha256Hash of a well-formed `persistedQuery` extension."""
    if not isinstance(given, dict) or given.get("version") != APQ_VERSION:
        raise bad_input(
            f"extensions.persistedQuery must be {{version: {APQ_VERSION}, sha256Hash}}."
        )
    sha = given.get("sha256Hash")
    if not isinstance(sha, str) or not SHA256_HEX.fullmatch(sha):
        raise bad_input("extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits.")
    return sha


class PersistedOperations:
    """The documents known by hash, for one schema (its validation decides what may be
    registered) and one mode (APQ, or the allow-list only)."""

    def __init__(self, documents: Documents, persisted_only: bool, size: int = 1024) -> None:
        self.documents = documents
        self.persisted_only = persisted_only
        self._texts: LRUCache[str, str] = LRUCache(size)

    async def resolve(self, ec: ExecutionContext) -> None:
        """Fill in the text of a request that names its document by hash; raise the
        error to answer when it may not run."""
        given = (ec.operation_extensions or {}).get("persistedQuery")
        if given is None:
            if self.persisted_only and ec.query is not None:
                raise AppError(
                    Code.PERSISTED_QUERY_ID_REQUIRED,
                    "Only registered operations run here: send "
                    "extensions.persistedQuery.sha256Hash instead of the text.",
                )
            return
        sha = _hash_of(given)
        engine = ec.context.state.engine
        if ec.query is None:
            text = await self._known(engine, sha)
            if text is None:
                raise AppError(Code.PERSISTED_QUERY_NOT_FOUND, NOT_FOUND_MESSAGE)
            ec.query = text
            return
        if sha256_hex(ec.query) != sha:
            raise bad_input("provided sha does not match query")
        if self.persisted_only:
            if await self._known(engine, sha) is None:
                raise AppError(
                    Code.PERSISTED_QUERY_NOT_IN_LIST,
                    "This operation is not registered here (`atrium persisted add`).",
                )
        elif sha not in self._texts and ec.context.principal is not None and self._valid(ec):
            async with engine.begin() as conn:
                await register(conn, ec.query)
            self._texts[sha] = ec.query

    async def _known(self, engine: Any, sha: str) -> str | None:
        text = self._texts.get(sha)
        if text is None:
            async with engine.connect() as conn:
                text = await document_by_hash(conn, sha)
            if text is not None:
                self._texts[sha] = text
        return text

    def _valid(self, ec: ExecutionContext) -> bool:
        assert ec.query is not None
        try:
            entry = self.documents.parsed(ec.query)
        except GraphQLError:
            return False
        return not self.documents.errors(entry, graphql_schema(ec.schema))


class PersistedQueries(SchemaExtension):
    def __init__(self, operations: PersistedOperations) -> None:
        self.operations = operations

    async def on_operation(self) -> AsyncIterator[None]:
        await self.operations.resolve(self.execution_context)
        yield


class InvalidOperations(ValueError):
    """A file to register holds no operation, or one that does not validate."""


def _fragments_used(
    node: Any, fragments: dict[str, FragmentDefinitionNode], found: dict[str, None]
) -> None:
    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
            name = spread.name.value
            if name not in found and name in fragments:
                found[name] = None
                _fragments_used(fragments[name], fragments, found)

    visit(node, Spreads())


def operations_of(text: str) -> list[tuple[str, str]]:
    """(name, document) for each operation of a .graphql file: the operation with the
    fragments it uses, printed by graphql-core's printer (graphql-js's, which Apollo
    Client prints its documents with)."""
    document = parse(text)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found: list[tuple[str, str]] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            used: dict[str, None] = {}
            _fragments_used(definition, fragments, used)
            single = DocumentNode(definitions=(definition, *(fragments[n] for n in used)))
            name = definition.name.value if definition.name else "(anonymous)"
            found.append((name, print_ast(single)))
    return found


def manifest_operations(text: str) -> list[tuple[str, str]]:
    """(name, body) of an Apollo persisted query manifest (what
    `generate-persisted-query-manifest` writes: the exact texts the client sends)."""
    manifest = orjson.loads(text)
    return [(op.get("name") or "(anonymous)", op["body"]) for op in manifest["operations"]]


def checked(schema: AtriumSchema, operations: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The operations, each parsed and validated as a request's would be."""
    if not operations:
        raise InvalidOperations("no operation in the file")
    for name, body in operations:
        try:
            entry = schema.documents.parsed(body)
        except GraphQLError as exc:
            raise InvalidOperations(f"{name}: {exc.message}") from None
        errors = schema.documents.errors(entry, graphql_schema(schema))
        if errors:
            raise InvalidOperations(f"{name}: {errors[0].message}")
    return operations
