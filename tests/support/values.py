"""Input values for generated and collected documents: mostly ones that mean something
in the seeded tenant (real ids of the right type, cursors of the same list, words of its
names, small pages), sometimes ones a client gets wrong (another type's id, a page over
the limit), from a seeded `random.Random` so every run sends the same requests.

A value is a Python value in the shape of JSON variables; `literal` prints it as GraphQL
for an inline argument (an enum value is an `Enum`, printed bare)."""

from __future__ import annotations

import random
from typing import Any

import graphql
import orjson

from tests.support.seeded import Seeded

PAGES = (1, 2, 3, 5)
BAD_PAGES = (0, -1, 201)
INTS = (0, 1, 2, 5, 30)
DATES = ("2025-06-30", "2026-01-01", "2026-12-31", "2030-01-01")
DATETIMES = ("2026-01-01T00:00:00", "2026-06-30T12:00:00+02:00", "2030-01-01T00:00:00")
DECIMALS = ("0", "1", "100", "1000.50", "99999")
STRINGS = ("", "a", "e", "in", "zz", "EUR", "USD")


class Enum(str):
    """An enum value: a string in variables, a bare name inline."""


def literal(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return orjson.dumps(value).decode()  # strings, numbers, booleans, null


def relation_types(schema: graphql.GraphQLSchema) -> dict[str, str]:
    """Field name -> the node type it leads to (`owner` -> User, `stage` ->
    PipelineStage), so an id argument named after a relation gets that type's ids."""
    node = schema.get_type("Node")
    assert isinstance(node, graphql.GraphQLInterfaceType)
    nodes = {t.name for t in schema.get_possible_types(node)}
    found: dict[str, str] = {}
    for type_ in schema.type_map.values():
        if isinstance(type_, graphql.GraphQLObjectType) and not type_.name.startswith("__"):
            for name, f in type_.fields.items():
                target = graphql.get_named_type(f.type).name
                if target in nodes:
                    found.setdefault(name, target)
    return found


class Values:
    def __init__(self, seeded: Seeded, relations: dict[str, str], rng: random.Random) -> None:
        self.seeded = seeded
        self.relations = relations  # relation_types(schema), computed once
        self.rng = rng
        self.words = [*STRINGS, *seeded.words[:40]]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, values: Any) -> Any:
        return self.rng.choice(list(values))

    # ids -----------------------------------------------------------------------------

    def node_type(self, name: str | None) -> str | None:
        """The node type an id argument or input field named `name` refers to."""
        if not name:
            return None
        base = name[:-3] if name.endswith("Ids") else name[:-2] if name.endswith("Id") else name
        if base in self.relations:
            return self.relations[base]
        capitalized = base[:1].upper() + base[1:]
        return capitalized if capitalized in self.seeded.ids else None

    def id_of(self, type_name: str | None) -> str:
        """Mostly a real id of `type_name`; now and then one of another type or none."""
        own = self.seeded.ids.get(type_name or "", [])
        if own and self.chance(0.88):
            return str(self.pick(own))
        if self.chance(0.8) and self.seeded.every_id:
            return str(self.pick(self.seeded.every_id))
        return self.pick(("nope", "", "RGVhbDpub3BlCg"))

    # pages ---------------------------------------------------------------------------

    def page(self) -> int:
        return int(self.pick(BAD_PAGES) if self.chance(0.03) else self.pick(PAGES))

    def cursor(self, list_name: str | None, order: str | None) -> str:
        own = self.seeded.cursors.get((list_name or "", order)) or []
        if own and self.chance(0.9):
            return str(self.pick(own))
        others = [c for cs in self.seeded.cursors.values() for c in cs]
        return str(self.pick(others)) if others and self.chance(0.7) else "bm9wZQ"

    # any input -----------------------------------------------------------------------

    def of_type(
        self, type_: graphql.GraphQLInputType, name: str | None = None, depth: int = 0
    ) -> Any:
        """A value of an input type; `name` (of the argument or input field) says what an
        ID or a String is for."""
        if isinstance(type_, graphql.GraphQLNonNull):
            return self.of_type(type_.of_type, name, depth)
        if isinstance(type_, graphql.GraphQLList):
            return [self.of_type(type_.of_type, name, depth) for _ in range(self.rng.randint(1, 2))]
        if isinstance(type_, graphql.GraphQLInputObjectType):
            return self.input_object(type_, depth)
        if isinstance(type_, graphql.GraphQLEnumType):
            return Enum(self.pick(type_.values))
        return self.scalar(type_.name, name)  # type: ignore[union-attr]

    def input_object(self, type_: graphql.GraphQLInputObjectType, depth: int) -> dict[str, Any]:
        value = {}
        for name, f in type_.fields.items():
            required = graphql.is_required_input_field(f)
            if required or (depth < 2 and self.chance(0.35)):
                value[name] = self.of_type(f.type, name, depth + 1)
        return value

    def scalar(self, type_name: str, name: str | None) -> Any:
        if type_name == "ID":
            return self.id_of(self.node_type(name))
        if type_name == "Int":
            return self.page() if name in ("first", "last") else self.pick(INTS)
        if type_name == "Float":
            return float(self.pick(INTS))
        if type_name == "Boolean":
            return self.chance(0.5)
        if type_name == "Date":
            return self.pick(DATES)
        if type_name == "DateTime":
            return self.pick(DATETIMES)
        if type_name == "Decimal":
            return self.pick(DECIMALS)
        if name in ("after", "before"):
            return self.cursor(None, None)
        if name in ("currency", "creditCurrency", "salaryCurrency"):
            return self.pick(("EUR", "USD", "GBP"))
        return self.pick(self.words)
