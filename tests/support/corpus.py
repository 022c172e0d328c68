"""The differential test's fixed corpus: the bench workloads' documents and every query
document the test suite sends.

The suite's documents are found statically rather than recorded: every string in
tests/**/*.py that parses as a GraphQL document of query operations only. A plain
literal is taken as it is; an f-string is evaluated in its module's namespace, so the
documents built from shared pieces (tests/support/admin.py: `ROLES = f"...{ROLE}..."`)
count too, while one built from a test's local variables (a loop over fields) is left
out. Recording the documents a test run sends would catch those as well, but would make
this test depend on which tests ran before it, and in which order. The tests send
their variables at the call, which a scan cannot see: each document gets variables made
from its variable definitions (tests/support/values.py)."""

from __future__ import annotations

import ast
import importlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql

from tests.support.values import Values

TESTS = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Query:
    document: str
    operation_name: str | None  # None: the document's only operation
    where: str  # a workload id, or the test file and line it was found at


def query_operations(text: str) -> list[graphql.OperationDefinitionNode] | None:
    """The operations of a document that holds nothing but queries (and fragments)."""
    try:
        document = graphql.parse(text, no_location=True)
    except graphql.GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    if not operations or any(o.operation != graphql.OperationType.QUERY for o in operations):
        return None
    return operations


def _strings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal and evaluable f-string of a test module."""
    tree = ast.parse(path.read_text(), str(path))
    namespace: dict[str, Any] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            if namespace is None:
                dotted = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
                namespace = vars(importlib.import_module(dotted))
            try:
                value = eval(compile(ast.Expression(node), str(path), "eval"), dict(namespace))
            except Exception:  # a test's local names: not a document we can know
                continue
            yield node.lineno, value


def suite_queries(root: Path = TESTS) -> list[Query]:
    """Every distinct query document in the tests' source, once per operation."""
    seen: set[str] = set()
    found: list[Query] = []
    for path in sorted(root.rglob("*.py")):
        where = str(path.relative_to(root.parent))
        for line, text in _strings(path):
            operations = query_operations(text)
            if operations is None:
                continue
            printed = graphql.print_ast(graphql.parse(text, no_location=True))
            if printed in seen:
                continue
            seen.add(printed)
            named = len(operations) > 1
            for operation in operations:
                name = operation.name.value if named and operation.name else None
                found.append(Query(text, name, f"{where}:{line}"))
    return found


def variables_for(schema: graphql.GraphQLSchema, query: Query, values: Values) -> dict[str, Any]:
    """A value for every variable the operation declares: of its type, named after the
    argument or input field it is passed to (so `order(id: $id)` gets an order's id)."""
    document = graphql.parse(query.document, no_location=True)
    operation = graphql.get_operation_ast(document, query.operation_name)
    assert operation is not None
    declared = {d.variable.name.value: d for d in operation.variable_definitions or ()}
    uses = _uses(schema, document)
    variables = {}
    for name, definition in declared.items():
        type_ = graphql.type_from_ast(schema, definition.type)
        if type_ is None or not graphql.is_input_type(type_):
            continue  # unknown type: the document fails validation either way
        required = isinstance(definition.type, graphql.NonNullTypeNode)
        if required or values.chance(0.6):
            hints = uses.get(name, [])
            hint = next((h for h in hints if values.node_type(h)), hints[0] if hints else None)
            variables[name] = values.of_type(type_, hint)  # type: ignore[arg-type]
    return variables


def _uses(schema: graphql.GraphQLSchema, document: graphql.DocumentNode) -> dict[str, list[str]]:
    """Variable -> the names it is passed as: the argument's or input field's, and for an
    `id` argument the type of the field it selects (`order(id:)`: SalesOrder)."""
    found: dict[str, list[str]] = {}
    info = graphql.TypeInfo(schema)

    def use(value: graphql.ValueNode, name: str) -> None:
        if isinstance(value, graphql.VariableNode):
            found.setdefault(value.name.value, []).append(name)

    class Uses(graphql.Visitor):
        def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> None:
            field_def = info.get_field_def()
            if node.name.value == "id" and field_def is not None:
                use(node.value, graphql.get_named_type(field_def.type).name)
            use(node.value, node.name.value)

        def enter_object_field(self, node: graphql.ObjectFieldNode, *_: Any) -> None:
            use(node.value, node.name.value)

    graphql.visit(document, graphql.TypeInfoVisitor(info, Uses()))
    return found


# The bench's workloads ------------------------------------------------------------

BENCH_VARIANTS = 3  # variable sets per workload: the bench rotates ids, so do we
DEALS_BY_CUSTOMER = "{ deals(first: 200) { nodes { id customer { id } } } }"


async def bench_tenant(gql: Any, seeded: Any) -> Any:
    """The test tenant as the bench's workloads see one (bench.data.Tenant), with the
    refs their variables are made from; a workload needing another ref fails here
    with a KeyError naming it: add it."""
    from api.core.relay import from_global_id
    from bench.data import Tenant

    by_customer: dict[Any, list[Any]] = {}
    for deal in (await gql(DEALS_BY_CUSTOMER)).ok()["deals"]["nodes"]:
        if deal["customer"]:
            customer = from_global_id(deal["customer"]["id"])[1]
            by_customer.setdefault(customer, []).append(from_global_id(deal["id"])[1])
    refs = {
        "deals": seeded.uuids("Deal"),
        "orders": seeded.uuids("SalesOrder"),
        "customers": seeded.uuids("Customer"),
        "deals_by_customer": by_customer,
    }
    return Tenant(0, "test", "test", 1, uuid.uuid4(), refs=refs)


def bench_queries(tenant: Any) -> list[tuple[Query, dict[str, Any]]]:
    """Every query workload the bench sends to Atrium, with variables of `tenant`."""
    from bench.workloads import WORKLOADS

    found = []
    for workload in WORKLOADS:
        if workload.target != "atrium" or query_operations(workload.query) is None:
            continue  # the floor answers other URLs; M1 writes
        for variables in workload.variables(tenant)[:BENCH_VARIANTS]:
            found.append((Query(workload.query, None, workload.id), variables))
    return found
