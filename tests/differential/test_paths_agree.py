"""The compiled read path answers exactly what the resolvers answer (DESIGN.md,
"Compiled reads"): the same `data` and the same errors, for every built-in role and a
custom one, on a tenant full of demo data. The corpus: every bench workload, every
query document of the test suite (tests/support/corpus.py) and documents generated
from the schema (tests/support/generator.py), each sent through an app with
`compiled_reads=True` and one with `compiled_reads=False`.

A difference prints the document, its variables, the role and a diff of the two
answers. Which path each compiled answer took (`Atrium-Read-Path`) is counted and
printed at the end of the run (tests/differential/conftest.py)."""

from __future__ import annotations

import dataclasses
import math
import os
import random
from typing import Any

import graphql
import pytest

from tests.support.corpus import bench_queries, bench_tenant, suite_queries, variables_for
from tests.support.differential import NOT_EXECUTED, ROLES, TALLY, Request, Tally, report
from tests.support.generator import Generator
from tests.support.values import Values, relation_types

# (document, role) pairs, at least; two requests each. CI runs 5,000 (issue 11); set
# ATRIUM_DIFFERENTIAL_GENERATED for a longer hunt (or a quick look) on your machine.
GENERATED = int(os.environ.get("ATRIUM_DIFFERENTIAL_GENERATED", "5000"))
CHUNKS = 5  # tests, so that a failure or a slow part shows where
PER_CHUNK = math.ceil(GENERATED / len(ROLES) / CHUNKS)  # documents, each sent as every role
# of generated documents, at most, answered without executing a root field: refused
# by validation or the limits, or with every root field skipped by a directive
REFUSED = 0.1


async def test_bench_workloads(world: Any) -> None:
    tenant = await bench_tenant(world.admin_gql, world.seeded)
    queries = bench_queries(tenant)
    assert {q.where for q, _ in queries} >= {"V0", "Q1-50", "Q2", "Q3", "Q6"}
    requests = [
        Request(q.document, variables, role, "bench", q.where)
        for q, variables in queries
        for role in ROLES
    ]
    differences = await world.differential.differences(requests)
    assert not differences, report(differences, len(requests))


async def test_the_suites_documents(world: Any) -> None:
    queries = suite_queries()
    assert len(queries) > 150, len(queries)  # the scan finds the suite's documents
    relations = relation_types(world.schema)
    requests = []
    for query in queries:
        for role in ROLES:
            values = Values(world.seeded, relations, random.Random(f"{query.where}:{role}"))
            variables = variables_for(world.schema, query, values)
            requests.append(
                Request(query.document, variables, role, "suite", query.where, query.operation_name)
            )
    differences = await world.differential.differences(requests)
    assert not differences, report(differences, len(requests))


@pytest.mark.parametrize("chunk", range(CHUNKS))
async def test_generated_documents(world: Any, chunk: int) -> None:
    """Each document is sent as every role, one after the other: the server validates
    a document once (its validation cache) and analyses it per role, so a role's
    request costs the access analysis and the execution, not the validation."""
    generated = Generator(world.schema, world.seeded).documents(f"g{chunk}", PER_CHUNK)
    requests = [
        Request(g.document, g.variables, role, "generated", g.seed)
        for g in generated
        for role in ROLES
    ]
    tally = Tally()
    differences = await dataclasses.replace(world.differential, tally=tally).differences(requests)
    TALLY.update(tally)
    assert not differences, report(differences, len(requests))

    for role in ROLES:
        assert tally.count("generated", role) == PER_CHUNK
        refused = tally.count("generated", role, NOT_EXECUTED)
        assert refused <= REFUSED * PER_CHUNK, (
            f"{role}: {refused} of {PER_CHUNK} generated documents refused before execution "
            f"(error codes: {tally.lines()[-1]})"
        )


def test_generated_documents_are_valid(world: Any) -> None:
    """The generator writes documents the schema accepts (the server's own limits
    aside), so the comparison exercises execution, not validation."""
    generator = Generator(world.schema, world.seeded)
    invalid = []
    for g in generator.documents("valid", 200):
        errors = graphql.validate(world.schema, graphql.parse(g.document))
        if errors:
            invalid.append(f"{g.seed}: {errors[0].message}\n{g.document}")
    assert not invalid, "\n\n".join(invalid[:5])
