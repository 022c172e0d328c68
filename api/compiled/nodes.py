"""`node(id:)` compiled: a plan per type the id may name, chosen by the id's type.

Every type registered for node(id:) (api.core.relay.NODE_RESOLVERS) is its entity's row
by id within record scope; the plan answers exactly as `api/node.py` does: NOT_FOUND for
an id of no such type or no such row, FORBIDDEN without the entity's read.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema

from api.compiled.levels import Access, Collect, Unsupported
from api.compiled.roots import Call, OneRow, RootPlan, plan_one
from api.compiled.sources import ByIdSource
from api.core.relay import NODE_RESOLVERS, decoded_global_id, from_global_id, scoped_row
from api.errors import AppError, Code, forbidden

MISSING = "No such object."


@dataclass
class NodePlan(RootPlan):
    key: str
    # type name -> its plan (None: that type's selection is not covered)
    by_type: dict[str, OneRow | None]

    def covers(self, args: dict[str, Any]) -> bool:
        """Whether this id is answered here (an id of an uncovered type is not)."""
        decoded = decoded_global_id(args["id"])
        if decoded is None:
            return True  # the plan answers BAD_USER_INPUT, as the resolver would
        type_name = decoded[0]
        if type_name not in NODE_RESOLVERS:
            return True  # NOT_FOUND
        return scoped_row(type_name) and self.by_type.get(type_name) is not None

    async def run(self, call: Call) -> Any:
        type_name, _ = from_global_id(call.args["id"])
        registered = NODE_RESOLVERS.get(type_name)
        if registered is None:
            raise AppError(Code.NOT_FOUND, MISSING)
        entity = registered[0]
        if entity is not None and not call.actor.policy.can(entity, "read"):
            raise forbidden(f"Your role may not read {entity}.")
        plan = self.by_type[type_name]
        assert plan is not None  # covers() said so
        return await plan.run(call)


def plan_node(
    key: str, schema: GraphQLSchema, details: list[Any], access: Access, collect: Collect
) -> NodePlan:
    by_type: dict[str, OneRow | None] = {}
    for type_name, (entity, _) in NODE_RESOLVERS.items():
        gtype = schema.type_map.get(type_name)
        by_type[type_name] = None
        if entity is None or not scoped_row(type_name) or not isinstance(gtype, GraphQLObjectType):
            continue
        source = ByIdSource(entity, type_name, MISSING)
        with suppress(Unsupported):  # that type takes the ordinary path
            by_type[type_name] = plan_one(key, source, gtype, details, access, collect)
    return NodePlan(key, by_type)
