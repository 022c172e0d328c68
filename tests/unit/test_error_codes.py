"""Every code a domain module raises is a member of the one UserErrorCode enum the
GraphQL schema lists, and none is a bare string that could drift from it."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from enum import StrEnum
from pathlib import Path

import domain
from domain.error_codes import AREA_CODES, UserErrorCode

DOMAIN = Path(domain.__file__).parent
ENUMS = {enum.__name__: enum for enum in AREA_CODES}


ERRORS = ("DomainError", "NotFound", "Conflict", "Forbidden")


def _raises(call: ast.Call) -> bool:
    """A call that builds a domain error (DomainError, NotFound, …, an area's *Error)."""
    name = call.func.id if isinstance(call.func, ast.Name) else ""
    return name in ERRORS or name.endswith("Error")


def _code_expressions() -> list[tuple[str, ast.expr]]:
    """Each `code=` argument and each class-level `code = …` in domain/."""
    found: list[tuple[str, ast.expr]] = []
    for path in sorted(DOMAIN.rglob("*.py")):
        where = str(path.relative_to(DOMAIN.parent))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _raises(node):
                found += [
                    (f"{where}:{k.value.lineno}", k.value) for k in node.keywords if k.arg == "code"
                ]
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    targets = statement.targets if isinstance(statement, ast.Assign) else []
                    if any(isinstance(t, ast.Name) and t.id == "code" for t in targets):
                        found.append((f"{where}:{statement.lineno}", statement.value))
    return found


def _is_member(expression: ast.expr) -> bool:
    if not (isinstance(expression, ast.Attribute) and isinstance(expression.value, ast.Name)):
        return False
    enum = ENUMS.get(expression.value.id)
    return enum is not None and expression.attr in enum.__members__


def test_every_raised_code_is_an_enum_member_of_the_union() -> None:
    expressions = _code_expressions()
    assert len(expressions) > 20  # the scan sees the raises
    # `code=code` passes a parameter on (typed StrEnum); anything else names a member
    strays = [
        (where, ast.unparse(e))
        for where, e in expressions
        if not _is_member(e) and not (isinstance(e, ast.Name) and e.id == "code")
    ]
    assert strays == []


def test_every_domain_code_enum_joins_the_union() -> None:
    defined: set[type[StrEnum]] = set()
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        loaded = importlib.import_module(module.name)
        defined |= {
            value
            for value in vars(loaded).values()
            if isinstance(value, type)
            and issubclass(value, StrEnum)
            and value.__module__ == module.name
            and value.__name__.endswith(("Error", "ErrorCode"))
        }
    assert defined - {UserErrorCode} == set(AREA_CODES)


def test_the_union_spells_each_code_as_its_own_name() -> None:
    assert {m.name for m in UserErrorCode} == {m.value for m in UserErrorCode}
    for enum in AREA_CODES:
        for member in enum:
            assert UserErrorCode(member.value).name == member.name
