"""Relation.resolve answers at once for a primed key (so a prefetched page stays on
graphql-core's synchronous path) and with an awaitable otherwise."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

from api.core.loaders import Relation


def _info() -> SimpleNamespace:
    loaders: dict[str, object] = {}

    def loader(name: str, factory):  # the shape of api.core.context.Context.loader
        return loaders.setdefault(name, factory(None))

    return SimpleNamespace(context=SimpleNamespace(loader=loader))


async def _fetch(context, keys):
    _fetch.batches.append(sorted(keys))
    return {k: f"row {k}" for k in keys if k != 3}


async def test_primed_keys_resolve_at_once_in_one_batch():
    _fetch.batches = []
    relation, info = Relation("rows", _fetch), _info()
    await relation.prime(info, [1, 2, 3, 2, None])
    assert _fetch.batches == [[1, 2, 3]]
    assert relation.resolve(info, 1, str.upper) == "ROW 1"
    assert relation.resolve(info, 3, str.upper) is None  # loaded, nothing found
    assert relation.resolve(info, None, str.upper) is None


async def test_an_unloaded_key_resolves_through_the_loader():
    _fetch.batches = []
    relation, info = Relation("rows", _fetch), _info()
    pending = relation.resolve(info, 7, str.upper)
    assert inspect.isawaitable(pending)
    assert await pending == "ROW 7" and _fetch.batches == [[7]]
    assert relation.resolve(info, 7, str.upper) == "ROW 7"  # cached for the request
