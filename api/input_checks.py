"""Arguments a client sends that the database could not take are BAD_USER_INPUT here,
before any resolver runs, naming the argument (`filter.amount.max`, `input.lines[1].note`).

One wrapper per field that has arguments able to hold such a value, installed once
at start-up like api.core.access's guards; it sees the arguments graphql-core has already
coerced (literals and variables alike). What is refused is domain.storable's rule:
NUL in a String or ID, a Decimal that is not finite or beyond numeric(18, 4), a Date
or DateTime at or past the ends that asyncpg turns into ±infinity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    default_field_resolver,
)

from api.errors import bad_input
from domain.storable import problem

CHECKED_SCALARS = {"String", "ID", "Decimal", "Date", "DateTime"}

# (value, path of the value) -> raises bad_input
Check = Callable[[Any, str], None]


class Built(dict[str, "Check | None"]):
    """The checks of input object types by name, built so far; `money`: whether
    Decimals are checked against numeric(18, 4)."""

    def __init__(self, *, money: bool) -> None:
        super().__init__()
        self.money = money


def install_input_checks(schema: GraphQLSchema) -> None:
    # Mutations' services check their amounts themselves and answer a userError on the
    # field (DESIGN: expected failures of a mutation are in its payload); everything
    # else a mutation input holds is checked here too.
    caches = {True: Built(money=False), False: Built(money=True)}
    for gtype in schema.type_map.values():
        if not isinstance(gtype, GraphQLObjectType) or gtype.name.startswith("__"):
            continue
        checks_of = caches[gtype is schema.mutation_type]
        for field_name, field in gtype.fields.items():
            # a field's arguments are checked like the fields of an input object
            check = _fields_check({name: arg.type for name, arg in field.args.items()}, checks_of)
            if check is not None:
                field.resolve = _checked(field.resolve or default_field_resolver, check)
                _INSTALLED[gtype.name, field_name] = check


# (type, field) -> the check installed on it: a root field the compiled read path answers
# is checked the same way (check_arguments), without its resolver
_INSTALLED: dict[tuple[str, str], Check] = {}


def check_arguments(type_name: str, field_name: str, args: dict[str, Any]) -> None:
    """What the installed wrapper checks before `type_name.field_name`'s resolver runs."""
    check = _INSTALLED.get((type_name, field_name))
    if check is not None:
        check(args, "")


def _checked(resolve: Callable[..., Any], check: Check) -> Callable[..., Any]:
    def checked(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        check(args, "")
        return resolve(root, info, **args)

    checked.__wrapped__ = resolve  # type: ignore[attr-defined]
    return checked


def _check_for(gtype: GraphQLInputType, checks_of: Built) -> Check | None:
    """The check for values of `gtype`, or None when no value of it can be refused."""
    if isinstance(gtype, GraphQLNonNull):
        return _check_for(gtype.of_type, checks_of)
    if isinstance(gtype, GraphQLList):
        item = _check_for(gtype.of_type, checks_of)
        return None if item is None else _each(item)
    if isinstance(gtype, GraphQLScalarType):
        if gtype.name == "Decimal" and not checks_of.money:
            return None
        return _scalar if gtype.name in CHECKED_SCALARS else None
    if isinstance(gtype, GraphQLInputObjectType):
        return _object_check(gtype, checks_of)
    return None  # enums


def _scalar(value: Any, path: str) -> None:
    reason = problem(value)
    if reason is not None:
        raise bad_input(f"`{path}` {reason}.", argument=path)


def _each(item: Check) -> Check:
    def check(value: Any, path: str) -> None:
        for i, element in enumerate(value):
            if element is not None:
                item(element, f"{path}[{i}]")

    return check


def _object_check(gtype: GraphQLInputObjectType, checks_of: Built) -> Check | None:
    if gtype.name in checks_of:
        return checks_of[gtype.name]
    # while it is built, a reference to the type itself (filters nest in and/or/not)
    # gets a check that looks the finished one up
    checks_of[gtype.name] = _late(gtype.name, checks_of)
    types = {field.out_name or name: field.type for name, field in gtype.fields.items()}
    checks_of[gtype.name] = _fields_check(types, checks_of)
    return checks_of[gtype.name]


def _fields_check(types: dict[str, GraphQLInputType], checks_of: Built) -> Check | None:
    """The check of a dict of values by key (an input object's, or a field's arguments)."""
    checks = {key: found for key, gtype in types.items() if (found := _check_for(gtype, checks_of))}
    if not checks:
        return None

    def check(value: Any, path: str) -> None:
        for key, key_check in checks.items():
            sub = value.get(key)
            if sub is not None:
                key_check(sub, f"{path}.{key}" if path else key)

    return check


def _late(name: str, checks_of: Built) -> Check:
    """A self-reference met while its type's check is still being built."""

    def check(value: Any, path: str) -> None:
        built = checks_of[name]
        if built is not None and built is not check:
            built(value, path)

    return check
