"""Counting what a request sends beyond its fixed statements (tenant binding, actor),
which every request pays and which are measured with `mutation { __typename }`."""

from __future__ import annotations

from typing import Any


async def fixed_statements(gql: Any, token: str, count_statements: Any) -> int:
    """What any mutation request of this token sends before its own work."""
    with count_statements() as counter:
        (await gql("mutation { __typename }", token=token)).ok()
    return int(counter.count)


async def own_statements(
    gql: Any, token: str, count_statements: Any, query: str, variables: dict[str, Any]
) -> tuple[Any, int, list[str]]:
    """The answer of one request, the statements it sent of its own, and all it sent."""
    fixed = await fixed_statements(gql, token, count_statements)
    with count_statements() as counter:
        answer = (await gql(query, variables, token=token)).ok()
    return answer, counter.count - fixed, counter.statements
