"""A bounded cache of what was worked out for a parsed document (its access analysis,
its plans).

Entries are keyed by the document's `id()` and keep the document itself, compared by
identity on a hit: graphql-core hashes an AST node by its whole subtree, so the
document cannot be the key, and a re-parsed document (a new object that may reuse a
freed id) must never find another's entry. Keeping the document keeps its nodes alive,
so node ids inside the value stay meaningful.

Hits and misses are counted (plain integers, read by /metrics: api/observability)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")
MISSING: Any = object()


class ByDocument(Generic[V]):
    def __init__(self, size: int = 2048) -> None:
        self._items: LRUCache[tuple[Any, ...], tuple[Any, V]] = LRUCache(size)
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, document: Any, *key: Any) -> V:
        """The value kept for (document, *key), or MISSING."""
        hit = self._items.get((id(document), *key))
        if hit is not None and hit[0] is document:
            self.hits += 1
            return hit[1]
        self.misses += 1
        return MISSING  # type: ignore[no-any-return]

    def put(self, document: Any, value: V, *key: Any) -> V:
        self._items[(id(document), *key)] = (document, value)
        return value
