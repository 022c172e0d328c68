"""graphql-core's executor, with root fields the planner covers answered by their plan."""

from __future__ import annotations

from typing import Any

from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class CompiledReads(StrawberryGraphQLCoreExecutionContext):
    """Executes an operation; a covered root field of a query runs its compiled plan
    instead of its resolver and graphql-core's per-field completion."""

    def execute_field(
        self,
        parent_type: Any,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        context = self.context_value
        if path.prev is None and context is not None:
            context.read_paths.add("fallback")
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
