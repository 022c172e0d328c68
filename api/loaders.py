"""Per-request DataLoaders: one statement per batch of keys, whatever the page size."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any

from strawberry.dataloader import DataLoader

# (context, keys) -> {key: value}; keys with no value load as `default`
Fetch = Callable[[Any, list[Any]], Awaitable[Mapping[Any, Any]]]


def keyed_loader(info: Any, name: str, fetch: Fetch, default: Any = None) -> DataLoader[Any, Any]:
    """The request's loader called `name`, created on first use."""

    def factory(context: Any) -> DataLoader[Any, Any]:
        async def load(keys: list[Hashable]) -> list[Any]:
            found = await fetch(context, keys)
            return [found.get(k, default) for k in keys]

        return DataLoader(load_fn=load)

    return info.context.loader(name, factory)


async def load_many(info: Any, name: str, fetch: Fetch, keys: Iterable[Any]) -> list[Any]:
    return list(await keyed_loader(info, name, fetch).load_many(list(keys)))
