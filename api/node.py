"""`node(id:)`: any object by its global id, under the same rules as every other route."""

from __future__ import annotations

import strawberry

from api.core.context import Info
from api.core.relay import NODE_RESOLVERS, Node, from_global_id
from api.errors import AppError, Code, forbidden


@strawberry.type
class Query:
    @strawberry.field(
        description="Fetch any object by its global id.",
        # each type found decides: an entity's read is checked here, then its fields are
        # guarded like anywhere else; a type of no entity declares itself unguarded
        metadata={"unguarded": "the type found decides (its entity's read, or its own)"},
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, uuid = from_global_id(id)
        registered = NODE_RESOLVERS.get(type_name)
        if registered is None:
            raise AppError(Code.NOT_FOUND, "No such object.")
        entity, resolve = registered
        if entity is not None and not info.context.policy.can(entity, "read"):
            raise forbidden(f"Your role may not read {entity}.")
        found: Node | None = await resolve(info.context, uuid)
        if found is None:
            raise AppError(Code.NOT_FOUND, "No such object.")
        return found
