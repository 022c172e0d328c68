"""graphql-core's executor, with root fields the planner covers answered by their plan.

For a query, each root field is looked up in the plan cache (by document, operation,
role version and the values of the variables that steer @include/@skip). A covered
field runs its plan: its arguments checked as its resolver's wrappers would, one
statement, the rows converted into its finished value, FORBIDDEN fields' errors at
their paths. graphql-core completes nothing below it. A field the planner does not
cover (`Unsupported`), a mutation, introspection, and a list given `filter` or
`orderBy` run the ordinary way.
"""

from __future__ import annotations

import logging
from inspect import isawaitable
from typing import Any

from graphql import (
    GraphQLObjectType,
    OperationType,
    get_named_type,
)
from graphql.execution.collect_fields import collect_subfields
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.compiled.levels import Access, Unsupported
from api.compiled.nodes import NodePlan, plan_node
from api.compiled.roots import Call, Refused, RootPlan, plan_one, plan_page
from api.compiled.sources import COMPILED, ByIdSource, ListSource
from api.core.access import argument_checks
from api.core.by_document import MISSING, ByDocument
from api.core.relay import paging
from api.errors import forbidden
from api.input_checks import check_arguments
from api.strawberry_internals import field_metadata, python_arguments

log = logging.getLogger("atrium.compiled")

FALLBACK = "fallback"
COMPILED_PATH = "compiled"


# plans by document, operation, root key, role version and directive values
PLANS: ByDocument[RootPlan | None] = ByDocument()


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
        if path.prev is None:
            plan = self._plan(parent_type, field_details_list, path)
            if plan is not None:
                return self._run(
                    plan, parent_type, source, field_details_list, path, position_context
                )
            context = self.context_value
            if context is not None:
                context.read_paths.add(FALLBACK)
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    # ----------------------------------------------------------------- planning
    def _plan(self, parent_type: Any, details: Any, path: Path) -> RootPlan | None:
        context = self.context_value
        if (
            context is None
            or not context.settings.compiled_reads
            or context.actor is None
            or self.operation.operation != OperationType.QUERY
        ):
            return None
        node = details[0].node
        name = node.name.value
        if name.startswith("__"):
            return None
        actor = context.actor
        key = (
            id(self.schema),
            self.operation.name.value if self.operation.name else None,
            path.key,
            actor.role_id,
            actor.role_version,
            self._directive_values(),
        )
        document = self.operation  # its identity is the parsed document's (cached by text)
        plan = PLANS.get(document, *key)
        if plan is MISSING:
            built = self._build(parent_type, name, details, str(path.key), Access(context.denied))
            plan = PLANS.put(document, built, *key)
        return plan

    def _build(
        self, parent_type: Any, name: str, details: Any, key: str, access: Access
    ) -> RootPlan | None:
        gfield = parent_type.fields.get(name)
        if gfield is None:
            return None
        plan = self._plan_of(parent_type, gfield, name, details, key, access)
        if plan is not None:
            plan.checks = argument_checks(gfield)  # the guard's, made once per plan
        return plan

    def _plan_of(
        self, parent_type: Any, gfield: Any, name: str, details: Any, key: str, access: Access
    ) -> RootPlan | None:
        try:
            rule = access.rule([d.node for d in details])
            if rule is not None:
                return Refused(rule.message)
            if name == "node" and parent_type is self.schema.query_type:
                return plan_node(key, self.schema, details, access, self._collect)
            source = field_metadata(gfield).get(COMPILED)
            target = get_named_type(gfield.type)
            if not isinstance(target, GraphQLObjectType):
                return None
            if isinstance(source, ListSource):
                return plan_page(key, source, target, details, access, self._collect, paging)
            if isinstance(source, ByIdSource):
                return plan_one(key, source, target, details, access, self._collect)
        except Unsupported as why:
            log.debug("not compiled: %s.%s: %s", parent_type.name, name, why)
        except Exception:
            # a defect of the planner: the ordinary path still answers right
            log.exception("planning %s.%s failed", parent_type.name, name)
        return None

    def _collect(self, gtype: GraphQLObjectType, details: list[Any]) -> Any:
        return collect_subfields(
            self.schema,
            self.fragments,
            self.variable_values,
            self.operation,
            gtype,
            details,
            self.hide_suggestions,
        ).grouped_field_set

    def _directive_values(self) -> tuple[Any, ...]:
        """The coerced values of every variable: those steering @include/@skip change the
        collected fields; the rest only shape arguments, never the plan — but telling
        them apart needs a walk of the document, so only booleans are keyed."""
        coerced = self.variable_values.coerced
        return tuple(sorted((k, v) for k, v in coerced.items() if isinstance(v, bool)))

    # ----------------------------------------------------------------- running
    def _run(
        self, plan: RootPlan, parent_type: Any, source: Any, details: Any, path: Path, position: Any
    ) -> Any:
        context = self.context_value
        node = details[0].node
        gfield = parent_type.fields[node.name.value]

        async def run() -> Any:
            try:
                args = get_argument_values(gfield, node, self.variable_values)
                if not plan.covers(args):
                    context.read_paths.add(FALLBACK)
                    ordinary = super(CompiledReads, self).execute_field
                    return await _awaited(ordinary(parent_type, source, details, path, position))
                context.read_paths.add(COMPILED_PATH)
                call = self._call(plan, parent_type, gfield, node, args)
                value = await plan.run(call)
                self.collected_errors.errors.extend(call.errors)
                return value
            except Exception as raw:
                self.handle_field_error(raw, gfield.type, details, path)
                return None

        return run()

    def _call(
        self, plan: RootPlan, parent_type: Any, gfield: Any, node: Any, args: dict[str, Any]
    ) -> Call:
        """The checks the field's wrappers make before its resolver, in their order:
        arguments the database could not take, the field's own refusal, then what the
        role may filter and sort by."""
        context = self.context_value
        check_arguments(parent_type.name, node.name.value, args)
        if isinstance(plan, Refused):
            raise forbidden(plan.message)
        for name, check in plan.checks:
            if args.get(name) is not None:
                args[name] = check(context.policy, args[name])
        return Call(
            context.db,
            context.actor,
            args,
            context.settings,
            [],
            lambda: python_arguments(self.schema, gfield, args),
        )


async def _awaited(value: Any) -> Any:
    return await value if isawaitable(value) else value


__all__ = ["CompiledReads", "NodePlan"]
