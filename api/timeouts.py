"""How long an operation's statements may run (README "Operating it", *Limits*).

Every transaction is bounded by `statement_timeout` and
`idle_in_transaction_session_timeout`, set with the tenant (tenants/session.py). An
operation gets the OLTP bound unless one of its root fields is a named report
(`metadata=long_running()`), which may add up a tenant's whole history and gets the
report bound. A statement PostgreSQL cancels answers TIMEOUT, never INTERNAL; the
operation's transaction is rolled back, so a mutation wrote nothing.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from api.core.by_document import MISSING, ByDocument
from api.errors import AppError, Code
from api.settings import Settings
from api.strawberry_internals import field_metadata
from tenants.session import Timeouts

LONG_RUNNING = "long_running"  # root field metadata key: see long_running


def long_running() -> dict[str, bool]:
    """Metadata of a named report's root field: its statements get the report bound."""
    return {LONG_RUNNING: True}


def operation_timeouts(
    settings: Settings,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
) -> Timeouts:
    statement_ms = settings.statement_timeout_ms
    if operation is not None and _report_run(schema, document, operation):
        statement_ms = max(statement_ms, settings.report_statement_timeout_ms)
    return Timeouts(statement_ms, settings.idle_in_transaction_timeout_ms)


# whether an operation selects a report, by document (an operation's walk, once)
_REPORTS: ByDocument[bool] = ByDocument()


def _report_run(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> bool:
    found = _REPORTS.get(document, id(schema), id(operation))
    if found is MISSING:
        found = _REPORTS.put(
            document, _runs_a_report(schema, document, operation), id(schema), id(operation)
        )
    return found


def _runs_a_report(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> bool:
    root = schema.get_root_type(operation.operation)
    if root is None:
        return False
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    return any(
        (field := root.fields.get(name)) is not None and field_metadata(field).get(LONG_RUNNING)
        for name in _root_names(operation.selection_set, fragments, set())
    )


def _root_names(
    selection_set: SelectionSetNode, fragments: dict[str, SelectionSetNode], seen: set[str]
) -> set[str]:
    """The root fields an operation selects, through fragments (cycles are another
    rule's error)."""
    names: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _root_names(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                names |= _root_names(fragments[name], fragments, seen)
    return names


def timed_out(timeouts: Timeouts) -> AppError:
    seconds = timeouts.statement_ms / 1000
    return AppError(
        Code.TIMEOUT,
        f"The operation was cancelled: a statement ran longer than the {seconds:g} s limit, "
        "and nothing was done. Ask for less (smaller pages, fewer aliases, narrower "
        "filters or searches).",
    )
