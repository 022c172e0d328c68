"""Arguments a client sends that the database could not take, or should not be made to
work on, are BAD_USER_INPUT here, before any resolver runs, naming the argument
(`filter.amount.max`, `input.lines[1].note`).

One wrapper per field that has arguments able to hold such a value, installed once
at start-up like api.core.access's guards; it sees the arguments graphql-core has already
coerced (literals and variables alike). What is refused:

- domain.storable's rule: NUL in a String or ID, a Decimal that is not finite or beyond
  numeric(18, 4), a Date or DateTime at or past the ends that asyncpg turns into ±infinity;
- text longer than its bound, one rule by the key that holds it: a text search (a
  filter's `__searches__` key) at most MAX_SEARCH_LENGTH characters, free text
  (LONG_TEXT_KEYS: notes, descriptions, reasons) at most MAX_LONG_TEXT_LENGTH, every
  other String or ID at most MAX_TEXT_LENGTH (services may hold a field to less, as a
  userError: a name is 200);
- an empty ID;
- outside mutations, a list (an `in` list of ids, statuses, ...) of more than
  MAX_LIST_ITEMS items; a mutation's lists are bounded by its service (TOO_MANY_LINES).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

from api.core.access import text_searches
from api.errors import bad_input
from domain.storable import problem

CHECKED_SCALARS = {"String", "ID", "Decimal", "Date", "DateTime"}
TEXT_SCALARS = {"String", "ID"}

MAX_TEXT_LENGTH = 1_000
MAX_LONG_TEXT_LENGTH = 20_000  # the longest a service keeps: an activity's notes
MAX_SEARCH_LENGTH = 200
LONG_TEXT_KEYS = frozenset({"notes", "description", "reason"})
MAX_LIST_ITEMS = 200  # the largest page: a filter never needs more ids than a page holds

# (value, path of the value) -> raises bad_input
Check = Callable[[Any, str], None]


class Built(dict[str, "Check | None"]):
    """The checks of input object types by name, built so far; `money`: whether
    Decimals are checked against numeric(18, 4)."""

    def __init__(self, *, money: bool) -> None:
        super().__init__()
        self.money = money

    @property
    def in_mutation(self) -> bool:
        """Mutations' inputs: their services check amounts and bound lists themselves."""
        return not self.money


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
            arguments = {name: arg.type for name, arg in field.args.items()}
            check = _fields_check(arguments, checks_of, {})
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


def _check_for(gtype: GraphQLInputType, checks_of: Built, max_text: int) -> Check | None:
    """The check for values of `gtype` (text at most `max_text` long), or None when no
    value of it can be refused."""
    if isinstance(gtype, GraphQLNonNull):
        return _check_for(gtype.of_type, checks_of, max_text)
    if isinstance(gtype, GraphQLList):
        item = _check_for(gtype.of_type, checks_of, max_text)
        if item is None and checks_of.in_mutation:
            return None  # a mutation's list of enums
        return _each(item, None if checks_of.in_mutation else MAX_LIST_ITEMS)
    if isinstance(gtype, GraphQLScalarType):
        if gtype.name in TEXT_SCALARS:
            return _text(max_text, empty_allowed=gtype.name != "ID")
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


def _text(max_length: int, *, empty_allowed: bool) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, str):
            return
        if len(value) > max_length:
            raise bad_input(
                f"`{path}` must be at most {max_length:,} characters long.", argument=path
            )
        if not value and not empty_allowed:
            raise bad_input(f"`{path}` must not be empty.", argument=path)
        _scalar(value, path)

    return check


def _each(item: Check | None, max_items: int | None) -> Check:
    def check(value: Any, path: str) -> None:
        if max_items is not None and len(value) > max_items:
            raise bad_input(f"`{path}` must hold at most {max_items} items.", argument=path)
        if item is not None:
            for i, element in enumerate(value):
                if element is not None:
                    item(element, f"{path}[{i}]")

    return check


def _max_text(key: str, searches: Mapping[str, Any]) -> int:
    """The one rule for how long a text may be, by the key that holds it."""
    if key in searches:
        return MAX_SEARCH_LENGTH
    return MAX_LONG_TEXT_LENGTH if key in LONG_TEXT_KEYS else MAX_TEXT_LENGTH


def _object_check(gtype: GraphQLInputObjectType, checks_of: Built) -> Check | None:
    if gtype.name in checks_of:
        return checks_of[gtype.name]
    # while it is built, a reference to the type itself (filters nest in and/or/not)
    # gets a check that looks the finished one up
    checks_of[gtype.name] = _late(gtype.name, checks_of)
    types = {field.out_name or name: field.type for name, field in gtype.fields.items()}
    searches = text_searches(gtype)
    checks_of[gtype.name] = _fields_check(types, checks_of, searches)
    return checks_of[gtype.name]


def _fields_check(
    types: dict[str, GraphQLInputType], checks_of: Built, searches: Mapping[str, Any]
) -> Check | None:
    """The check of a dict of values by key (an input object's, or a field's arguments)."""
    checks = {
        key: found
        for key, gtype in types.items()
        if (found := _check_for(gtype, checks_of, _max_text(key, searches)))
    }
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
