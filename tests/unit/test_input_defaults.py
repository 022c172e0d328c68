"""Write inputs must not give their optional fields a default value.

graphql-core fills an input field's default into the arguments, so the access
guard cannot tell a key the client sent from one it left out: a role that may
not write `salary` would be refused for a `salary: Decimal = null` it never
sent, or worse, a service would overwrite a value with the default. Optional
fields of mutation inputs therefore default to `strawberry.UNSET` (no default
in the SDL); locators (`id`, `version`, ...) may have one.
"""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull, Undefined

from api.core.access import LOCATOR_KEYS
from api.schema import build_schema
from api.strawberry_internals import graphql_schema, python_class


def _unwrap(t):
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def _write_inputs(schema):
    mutation = graphql_schema(schema).mutation_type
    seen: dict[str, GraphQLInputObjectType] = {}
    todo = [_unwrap(arg.type) for field in mutation.fields.values() for arg in field.args.values()]
    while todo:
        t = todo.pop()
        if isinstance(t, GraphQLInputObjectType) and t.name not in seen:
            seen[t.name] = t
            todo.extend(_unwrap(f.type) for f in t.fields.values())
    return seen.values()


def test_optional_write_fields_have_no_default():
    offenders = []
    for t in _write_inputs(build_schema()):
        if getattr(python_class(t), "__entity__", None) is None:
            continue  # not field-checked (e.g. a role's permission list)
        locators = getattr(python_class(t), "__locators__", LOCATOR_KEYS)
        for name, field in t.fields.items():
            if name not in locators and field.default_value is not Undefined:
                offenders.append(f"{t.name}.{name} = {field.default_value!r}")
    assert not offenders, (
        "Give these optional input fields `= strawberry.UNSET` instead of a default, "
        "so only keys the client sent count as writes:\n  " + "\n  ".join(offenders)
    )
