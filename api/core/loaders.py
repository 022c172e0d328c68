"""Per-request DataLoaders: one statement per batch of keys, whatever the page size.

A relation can also be *prefetched*: a list resolver loads the relations its client
selected for the whole page before returning (`prefetch`), and the relation's resolver
then answers synchronously (`Relation.resolve`). That keeps graphql-core on its
synchronous path for every row of the page — no coroutine, future or task per row and
field — which is most of what a page of related objects costs in Python.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader

from api.core.access import readable_on_every_row
from api.core.context import Info
from api.core.rows import convert_or_none

R = TypeVar("R")

# (context, keys) -> {key: value}; keys with no value load as `default`
Fetch = Callable[[Any, list[Any]], Awaitable[Mapping[Any, Any]]]


def keyed_loader(info: Info, name: str, fetch: Fetch, default: Any = None) -> DataLoader[Any, Any]:
    """The request's loader called `name`, created on first use."""

    def factory(context: Any) -> DataLoader[Any, Any]:
        async def load(keys: list[Hashable]) -> list[Any]:
            found = await fetch(context, keys)
            return [found.get(k, default) for k in keys]

        return DataLoader(load_fn=load)

    return info.context.loader(name, factory)


async def load_many(info: Info, name: str, fetch: Fetch, keys: Iterable[Any]) -> list[Any]:
    return list(await keyed_loader(info, name, fetch).load_many(list(keys)))


@dataclass(frozen=True)
class Relation:
    """What a key loads through the request's loader called `name`: a row by id, a
    parent's children, a product's stock."""

    name: str
    fetch: Fetch
    default: Any = None
    entity: str | None = None  # what it loads, when that is an entity of the catalog
    # what it loads as references (rows that show their referable fields to any caller,
    # api.core.access.REFERENCE), outside the record scope: a record's owner
    reference: str | None = None

    def loader(self, info: Info) -> DataLoader[Any, Any]:
        return keyed_loader(info, self.name, self.fetch, self.default)

    def resolve(self, info: Info, key: Any, convert: Callable[[Any], R]) -> R | None:
        """`convert(value)` — at once when the key's value is loaded already, otherwise
        an awaitable of it. A missing key or value converts to None."""
        if key is None:
            return None
        loader = self.loader(info)
        future = loader.cache_map.get(key)
        loaded = future is not None and future.done() and not future.cancelled()
        if future is not None and loaded and future.exception() is None:
            return convert_or_none(convert, future.result())
        # Not loaded yet: an awaitable, which graphql-core awaits. It is typed as the
        # value it gives because the resolver's return annotation, which strawberry
        # reads as the field's GraphQL type, must name the value.
        return cast("R | None", _later(loader.load(key), convert))

    async def prime(self, info: Info, keys: Iterable[Any]) -> None:
        wanted = list({k for k in keys if k is not None})
        if wanted:
            await self.loader(info).load_many(wanted)


async def _later(pending: Awaitable[Any], convert: Callable[[Any], R]) -> R | None:
    return convert_or_none(convert, await pending)


# GraphQL field name (as selected and as the catalog names it: `convertedCustomer`)
# -> (relation, the attribute of the parent object holding the key)
Prefetch = Mapping[str, tuple[Relation, str]]


async def prefetch(info: Info, objects: list[Any], selected: Callable[[Any], set[str]]) -> None:
    """Load, for all `objects` at once, the relations their type declares in
    `__prefetch__` that the client selected (`selected(info)`, walked only when there is
    something to prefetch): one statement per relation. Entities the role may not read,
    and fields the role may not read on these objects, are left alone: the access guard
    answers FORBIDDEN for them without resolving anything."""
    if not objects:
        return
    kind = type(objects[0])
    declared: Prefetch = getattr(kind, "__prefetch__", {})
    if not declared:
        return
    entity = getattr(kind, "__entity__", None)
    policy = info.context.policy
    fields = selected(info)
    primes = [
        relation.prime(info, [getattr(o, attribute) for o in objects])
        for name, (relation, attribute) in declared.items()
        if name in fields and readable_on_every_row(policy, entity, name, relation.entity)
    ]
    # Loaders of one tick dispatch together; their statements share the connection.
    await asyncio.gather(*primes)
