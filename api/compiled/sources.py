"""What a root field tells the planner about where its rows come from.

A root field opts into the compiled read path by its metadata: `listing(...)` for a
connection of an entity's rows (the same `domain.pagination.Listing` its resolver pages
through, so both paths find the same rows in the same order), `by_id(...)` for one row
by global id. `node(id:)` is known to the planner itself (api/core/relay.NODE_RESOLVERS:
every entity type's row by id within record scope).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.pagination import Listing, PageRequest
from tenants.principal import Actor

COMPILED = "compiled"


# (actor, filter, orderBy) -> the list's rows; filter and orderBy as the resolver gets
# them (strawberry inputs), None when not given
ListingOf = Callable[[Actor, Any, Any], Listing]


@dataclass(frozen=True)
class ListSource:
    """Rows of `entity` as the resolver lists them: the function the resolver calls."""

    entity: str
    listing: ListingOf
    # refuses a cursor the listing cannot take, as the resolver does (raises)
    check: Callable[[PageRequest, Listing], None] | None = None


@dataclass(frozen=True)
class ByIdSource:
    """One row of `entity` (GraphQL type `type_name`) by its global id, within record
    scope; `missing` is the NOT_FOUND message for an id that finds nothing."""

    entity: str
    type_name: str
    missing: str


Source = ListSource | ByIdSource


def listing(
    entity: str,
    build: ListingOf,
    check: Callable[[PageRequest, Listing], None] | None = None,
    **metadata: Any,
) -> Mapping[str, Any]:
    """Metadata of a root connection the planner may compile."""
    return {COMPILED: ListSource(entity, build, check), **metadata}


def by_id(entity: str, missing: str, type_name: str | None = None, **metadata: Any) -> Any:
    """Metadata of a root by-id field the planner may compile."""
    return {COMPILED: ByIdSource(entity, type_name or entity, missing), **metadata}
