"""Fuzzing: thousands of generated queries and mutations, with hostile values mixed
into every scalar, as every built-in role in a tenant full of data. Whatever the input,
the answer is data or an error with a client's code: never INTERNAL.

Hypothesis (derandomized, so CI sees the same requests every run) generates the
documents first; each is then sent as every role, one request after the other, through
the in-process app. hypothesis-graphql needs ~40 ms per document on this schema, the
app a few ms per request: so fewer documents, each tried by every role. A failure lists
every request that answered INTERNAL (the server logged its stack)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from tests.support.fuzz import demo_tenant, ids_and_cursors, operations, shown

DOCUMENTS = 350  # x 6 roles = 2,100 requests
ROLES = ("tenant_admin", "sales_rep", "sales_manager", "accountant", "warehouse", "hr_manager")


def generate(ids: list[str], cursors: list[str], count: int) -> list[str]:
    documents: list[str] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(operations(ids, cursors))
    def collect(document: str) -> None:
        documents.append(document)

    collect()
    return documents


async def test_no_input_answers_internal(gql: Any, make_tenant: Any) -> None:
    tokens = await demo_tenant(make_tenant)
    ids, cursors = await ids_and_cursors(gql, tokens["tenant_admin"])
    assert len(ids) > 20 and len(cursors) > 20
    documents = generate(ids, cursors, DOCUMENTS)
    assert len(documents) * len(ROLES) >= 2_000
    internal = []
    for document in documents:
        for role in ROLES:
            result = await gql(document, token=tokens[role])
            assert result.status < 500, (role, document, result.body)
            if "INTERNAL" in result.codes:
                internal.append(f"{role}: {shown(document)}")
    assert not internal, f"{len(internal)} INTERNAL answers:\n" + "\n".join(internal)
