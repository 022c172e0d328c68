"""The differential test fails when the two read paths differ: the comparison on its
own (what counts as the same answer), and end to end, with the compiled app's root
fields tampered with the way a wrong plan would (another value, an extra error)."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import httpx
import pytest

from api.compiled.executor import CompiledReads
from api.errors import AppError, Code
from tests.conftest import GraphQLResult
from tests.support.differential import Answer, Request, Tally, difference

REQUEST = Request("{ deals { nodes { title } } }", {"first": 1}, "sales_rep", "unit", "t")
A, B = {"title": "A", "amount": "1.0000"}, {"title": "B", "amount": None}
FORBIDDEN = {
    "message": "No.",
    "path": ["deals", "nodes", 1, "amount"],
    "extensions": {"code": "FORBIDDEN"},
}
NOT_FOUND = {"message": "No such object.", "path": ["deal"], "extensions": {"code": "NOT_FOUND"}}


def deals(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"deals": {"nodes": list(nodes)}}


DATA = deals(A, B)


def answer(data: Any = DATA, errors: Any = (FORBIDDEN, NOT_FOUND), status: int = 200) -> Answer:
    body = {"data": data, "errors": list(errors)}
    return Answer.of(GraphQLResult(status, body, httpx.Headers({"Atrium-Read-Path": "compiled"})))


def internal(request_id: str) -> dict[str, Any]:
    return {
        "message": f"Internal error. Quote request id {request_id} when reporting it.",
        "path": ["deals"],
        "extensions": {"code": "INTERNAL", "requestId": request_id},
    }


def test_alike_answers_pass() -> None:
    assert difference(REQUEST, answer(), answer()) is None
    # errors are a multiset: their order is not part of the contract, nor a request id
    assert difference(REQUEST, answer(), answer(errors=(NOT_FOUND, FORBIDDEN))) is None
    one, other = internal("a" * 32), internal("b" * 32)
    assert difference(REQUEST, answer(errors=[one]), answer(errors=[other])) is None


def renamed(error: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**error, **changes}


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(answer(data=deals(A)), id="rows"),
        pytest.param(answer(data=deals(A, {**B, "amount": "2.0000"})), id="value"),
        pytest.param(answer(data=deals({"amount": "1.0000", "title": "A"}, B)), id="key order"),
        pytest.param(answer(errors=[FORBIDDEN]), id="an error less"),
        pytest.param(answer(errors=[FORBIDDEN, NOT_FOUND, NOT_FOUND]), id="an error more"),
        pytest.param(answer(errors=[renamed(FORBIDDEN, message="Nope."), NOT_FOUND]), id="message"),
        pytest.param(
            answer(errors=[renamed(FORBIDDEN, path=["deals", "nodes", 0, "amount"]), NOT_FOUND]),
            id="path",
        ),
        pytest.param(
            answer(errors=[renamed(FORBIDDEN, extensions={"code": "NOT_FOUND"}), NOT_FOUND]),
            id="code",
        ),
        pytest.param(answer(status=400), id="status"),
    ],
)
def test_any_difference_fails_with_the_request_and_a_diff(changed: Answer) -> None:
    shown = difference(REQUEST, answer(), changed)
    assert shown is not None
    assert "role: sales_rep" in shown and REQUEST.document in shown and '{"first":1}' in shown
    assert "--- compiled_reads=False" in shown and "+++ compiled_reads=True" in shown


def _first_text(value: Any) -> Any:
    """`value` with its first string leaf replaced: a plan that misreads one column."""
    found = False

    def walk(v: Any) -> Any:
        nonlocal found
        if isinstance(v, str) and not found:
            found = True
            return "tampered"
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(value)


def tamper(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The compiled app's root fields answer a changed value, or null and FORBIDDEN
    (the reference app, compiled_reads=False, runs the same class untouched)."""
    original = CompiledReads.execute_field

    def execute_field(
        self: Any, parent_type: Any, source: Any, fields: Any, path: Any, *rest: Any
    ) -> Any:
        if path.prev is not None or not self.context_value.settings.compiled_reads:
            return original(self, parent_type, source, fields, path, *rest)
        if how == "error":
            field = parent_type.fields[fields[0].node.name.value]
            self.handle_field_error(AppError(Code.FORBIDDEN, "tampered"), field.type, fields, path)
            return None
        result = original(self, parent_type, source, fields, path, *rest)
        if inspect.isawaitable(result):

            async def later() -> Any:
                return _first_text(await result)

            return later()
        return _first_text(result)

    monkeypatch.setattr(CompiledReads, "execute_field", execute_field)


@pytest.mark.parametrize("how", ["value", "error"])
async def test_a_tampered_compiled_path_is_caught(
    world: Any, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    differential = dataclasses.replace(
        world.differential, tally=Tally()
    )  # not in the run's figures
    requests = [
        Request("{ deals(first: 2) { nodes { title } } }", {}, "tenant_admin", "unit", how),
        Request("{ viewer { user { name } } }", {}, "custom", "unit", how),
    ]
    assert await differential.differences(requests) == []
    tamper(monkeypatch, how)
    differences = await differential.differences(requests)
    assert len(differences) == 2
    assert all("tampered" in d for d in differences)
    assert "role: tenant_admin" in differences[0] and "deals(first: 2)" in differences[0]
