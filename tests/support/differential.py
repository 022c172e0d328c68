"""The differential test's comparison (tests/differential): one request sent through an
app that answers from compiled plans (`compiled_reads=True`) and one that resolves
every field (`compiled_reads=False`, the reference) must give the same answer.

"The same" is the contract a client sees: the HTTP status, `data` exactly (values and
the order of response keys, which GraphQL fixes by the selection), and the errors as a
multiset of (path, code, message): their order, locations and the request id of an
INTERNAL error are not part of it."""

from __future__ import annotations

import asyncio
import difflib
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from api.app import build_state, create_app
from tenants.access.builtin import BUILTIN_ROLES
from tests.conftest import GraphQLResult, graphql
from tests.support.admin import grant

CUSTOM = "custom"
ROLES = (*(r.key for r in BUILTIN_ROLES), CUSTOM)

# A role no built-in one resembles: some entities in full, some field by field, record
# scopes all / team / own, relations it may follow next to ones it may not.
CUSTOM_GRANTS = (
    grant(
        "Customer", ["read"], ["name", "kind", "owner", "deals", "paymentStatus", "overdueAmount"]
    ),
    grant("Deal", ["read"], ["title", "customer", "owner", "stage", "status", "createdAt"]),
    grant("PipelineStage", ["read"], ["name", "position", "isWon"]),
    grant("Activity", ["read"], ["kind", "subject", "dueAt", "customer"], scope="own"),
    grant(
        "SalesOrder", ["read"], ["status", "currency", "total", "customer", "lines"], scope="team"
    ),
    grant("SalesOrderLine", ["read"], ["quantity", "unitPrice", "total", "product"]),
    grant("Product", ["read"], ["sku", "name", "unitPrice", "currency", "available"]),
    grant("Invoice", ["read"], ["number", "status", "total", "amountDue", "customer"]),
    grant("Employee", ["read"], ["name", "title", "department"]),
    grant("Department", ["read"], ["name"]),
    grant("User", ["read"], ["name", "email"]),
)

READ_PATH = "Atrium-Read-Path"
NOT_EXECUTED = "none"  # no header: refused before execution (validation, limits, auth)


@asynccontextmanager
async def app_client(
    settings: Any, engine: Any, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of an app built with `overrides` of `settings` (what the
    `make_client` fixture gives a single test, for fixtures wider than one test)."""
    custom = settings.model_copy(update=overrides)
    transport = httpx.ASGITransport(app=create_app(custom, build_state(custom, engine)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@dataclass(frozen=True)
class Request:
    document: str
    variables: dict[str, Any]
    role: str
    source: str  # which part of the corpus: "bench", "suite", "generated"
    label: str = ""  # where it came from: a workload, a test file, a generator seed
    operation_name: str | None = None

    def shown(self) -> str:
        where = f"{self.source} {self.label}".strip()
        lines = [f"role: {self.role}   from: {where}", "document:", self.document]
        if self.operation_name:
            lines.append(f"operationName: {self.operation_name}")
        lines.append(f"variables: {orjson.dumps(self.variables).decode()}")
        return "\n".join(lines)


REQUEST_ID = re.compile(r"\b[0-9a-f]{32}\b")  # quoted by an INTERNAL error's message


def error_key(error: dict[str, Any]) -> tuple[str, str, str]:
    """What an error means to a client: where, which code, what it says (an INTERNAL
    error's request id differs from request to request)."""
    code = (error.get("extensions") or {}).get("code")
    message = REQUEST_ID.sub("<request id>", str(error.get("message")))
    return (orjson.dumps(error.get("path")).decode(), str(code), message)


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any
    errors: tuple[tuple[str, str, str], ...]  # sorted error_keys
    read_path: str

    @classmethod
    def of(cls, result: GraphQLResult) -> Answer:
        return cls(
            result.status,
            result.data,
            tuple(sorted(error_key(e) for e in result.errors)),
            result.headers.get(READ_PATH, NOT_EXECUTED),
        )

    @property
    def codes(self) -> set[str]:
        return {code for _, code, _ in self.errors}

    def same_as(self, other: Answer) -> bool:
        # compared as JSON text: == on dicts would ignore the order of response keys
        mine = (self.status, self.errors, orjson.dumps(self.data))
        return mine == (other.status, other.errors, orjson.dumps(other.data))

    def shown(self) -> list[str]:
        body = {"status": self.status, "data": self.data, "errors": [list(e) for e in self.errors]}
        return orjson.dumps(body, option=orjson.OPT_INDENT_2).decode().splitlines()


def difference(request: Request, reference: Answer, compiled: Answer) -> str | None:
    """None when both paths answered alike; else the request and a diff of the answers."""
    if reference.same_as(compiled):
        return None
    diff = difflib.unified_diff(
        reference.shown(),
        compiled.shown(),
        f"compiled_reads=False (read path {reference.read_path})",
        f"compiled_reads=True (read path {compiled.read_path})",
        lineterm="",
        n=4,
    )
    return request.shown() + "\n" + "\n".join(diff)


@dataclass
class Tally:
    """How the requests of each (source, role) were answered by the compiled client."""

    paths: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    with_data: Counter[tuple[str, str]] = field(default_factory=Counter)
    codes: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, request: Request, answer: Answer) -> None:
        key = (request.source, request.role)
        self.requests[key] += 1
        self.paths[(*key, answer.read_path)] += 1
        if answer.data is not None:
            self.with_data[key] += 1
        for code in answer.codes:
            self.codes[(request.source, code)] += 1

    def update(self, other: Tally) -> None:
        for mine, theirs in zip(self.counters, other.counters, strict=True):
            mine.update(theirs)

    @property
    def counters(self) -> tuple[Counter[Any], ...]:
        return (self.paths, self.requests, self.with_data, self.codes)

    def count(self, source: str, role: str | None = None, path: str | None = None) -> int:
        return sum(
            n
            for (s, r, p), n in self.paths.items()
            if s == source and role in (None, r) and path in (None, p)
        )

    def lines(self) -> list[str]:
        """The summary printed at the end of the run."""
        paths = sorted({p for _, _, p in self.paths})
        out = [
            f"{'source':<10} {'role':<16} {'requests':>8} {'data':>6} "
            + " ".join(f"{p:>9}" for p in paths)
        ]
        for source, role in sorted(self.requests):
            counts = " ".join(f"{self.paths[(source, role, p)]:>9}" for p in paths)
            out.append(
                f"{source:<10} {role:<16} {self.requests[(source, role)]:>8} "
                f"{self.with_data[(source, role)]:>6} {counts}"
            )
        for source in sorted({s for s, _ in self.requests}):
            codes = sorted((c, n) for (s, c), n in self.codes.items() if s == source)
            out.append(f"{source} error codes: " + ", ".join(f"{c} {n}" for c, n in codes))
        return out


TALLY = Tally()  # the whole run's, printed by tests/differential/conftest.py


@dataclass
class Differential:
    """Sends each request through both clients and keeps what differed."""

    reference: httpx.AsyncClient  # compiled_reads=False
    compiled: httpx.AsyncClient  # compiled_reads=True
    tokens: dict[str, str]  # role -> bearer token
    tally: Tally = field(default_factory=lambda: TALLY)
    in_flight: int = 4  # requests of different documents overlap on the database

    async def answers(self, request: Request) -> tuple[Answer, Answer]:
        token = self.tokens[request.role]
        extra = {"operationName": request.operation_name} if request.operation_name else {}
        sent = (
            graphql(client, request.document, request.variables, token=token, **extra)
            for client in (self.reference, self.compiled)
        )
        reference, compiled = await asyncio.gather(*sent)
        return Answer.of(reference), Answer.of(compiled)

    async def check(self, request: Request) -> str | None:
        reference, compiled = await self.answers(request)
        self.tally.add(request, compiled)
        return difference(request, reference, compiled)

    async def differences(self, requests: Iterable[Request]) -> list[str]:
        """Every request's difference, in the order of `requests`."""
        gate = asyncio.Semaphore(self.in_flight)

        async def checked(request: Request) -> str | None:
            async with gate:
                return await self.check(request)

        found = await asyncio.gather(*(checked(r) for r in requests))
        return [d for d in found if d is not None]


def report(differences: list[str], checked: int, most: int = 5) -> str:
    """The assertion message: how many differed, and the first few in full."""
    shown = "\n\n".join(differences[:most])
    more = f"\n\n(+{len(differences) - most} more)" if len(differences) > most else ""
    return f"{len(differences)} of {checked} requests answered differently:\n\n{shown}{more}"
