"""Checks shared by the prefetch tests of every area (api.core.loaders.prefetch): a list
costs the same statements whatever its size, answers its relations at once, and
never loads a relation the role may not read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_PAGE_VARIABLE = re.compile(r"query\s*\(\$n: Int!?\)\s*")


def with_page(query: str, n: int) -> str:
    """`query` with its `$n` written as the literal `n`: with a variable the cost limit
    counts the largest page (api/cost.py), and nested lists at 200 rows are what it
    refuses, not what these tests measure."""
    return _PAGE_VARIABLE.sub("", query).replace("$n", str(n))


def nodes(root: str) -> Callable[[Any], list[Any]]:
    """The items of connection `root` in a result, as `nodes` or as `edges`."""
    return lambda data: data[root].get("nodes") or data[root]["edges"]


@dataclass
class Probe:
    gql: Any
    count_statements: Any
    late: list[str]  # the late_relations fixture
    token: str

    async def counted(self, query: str, **variables: Any) -> tuple[Any, int]:
        """The result of `query` and the number of SQL statements it sent."""
        with self.count_statements() as counter:
            result = await self.gql(query, variables, token=self.token)
        return result, counter.count

    async def prefetched(
        self, queries: Iterable[str], sizes: Iterable[int], items: Callable[[Any], list[Any]]
    ) -> list[Any]:
        """Every query (taking `$n`) sends as many statements for each of `sizes` as the
        others do, returns n items, and no relation resolver waits for a loader: all
        were prefetched. The data of each run, in order."""
        counts: dict[tuple[str, int], int] = {}
        answers = []
        for query in queries:
            for n in sizes:
                result, counts[query, n] = await self.counted(with_page(query, n))
                data = result.ok()
                assert len(items(data)) == n, data
                answers.append(data)
        assert len(set(counts.values())) == 1, counts
        assert self.late == [], self.late
        return answers

    async def forbidden_and_not_loaded(self, without: str, with_relation: str, denied: int) -> Any:
        """`with_relation` answers `denied` FORBIDDEN errors and sends no more statements
        than `without` (after a warm-up: a role's first request loads its policy)."""
        (await self.gql(without, token=self.token)).ok()
        result, count = await self.counted(with_relation)
        assert set(result.codes) == {"FORBIDDEN"} and len(result.codes) == denied, result.body
        _, baseline = await self.counted(without)
        assert count == baseline, result.body
        return result.data
