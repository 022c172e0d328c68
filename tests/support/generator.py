"""Query documents generated from the schema for the differential test: valid against
the schema, small enough to pass the cost limit, and made of what clients write — arguments, filters and sort keys,
pagination (`first`/`last`/`after`/`before`, with cursors of the same list), aliases,
named and inline fragments, `@include`/`@skip` on variables, `node(id:)` with the
seeded ids, several root fields at once.

Our own generator rather than hypothesis-graphql: this one costs well under a
millisecond per document (hypothesis-graphql ~40 ms on this schema, too slow for
thousands per run) and writes fragments, variables and directives, which
hypothesis-graphql does not. Each document comes from its own `random.Random(seed)`:
a seed printed with a difference makes the same document again."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import graphql

from tests.support.seeded import Seeded
from tests.support.values import Values, literal, relation_types

MAX_RELATIONS = 3  # object levels below a root field, not counting connection wrappers
MAX_LISTS = 2  # nested lists multiply the cost: root list x one more
MAX_LEAVES = 3  # leaf fields per selection, at most: each field costs every request
PAGINATION = ("first", "last", "after", "before")


@dataclass(frozen=True)
class Generated:
    document: str
    variables: dict[str, Any]
    seed: str


def _is_list(type_: graphql.GraphQLOutputType) -> bool:
    while isinstance(type_, graphql.GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, graphql.GraphQLList)


def _is_connection(type_: graphql.GraphQLNamedType) -> bool:
    return isinstance(type_, graphql.GraphQLObjectType) and "edges" in type_.fields


def _is_wrapper(type_: graphql.GraphQLNamedType) -> bool:
    """A connection, its edges and page info: not a relation level of their own."""
    return _is_connection(type_) or type_.name.endswith("Edge") or type_.name == "PageInfo"


@dataclass
class Document:
    """One document under construction."""

    schema: graphql.GraphQLSchema
    values: Values
    definitions: list[str] = field(default_factory=list)  # of the operation's variables
    variables: dict[str, Any] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    names: Iterator[int] = field(default_factory=itertools.count)

    @property
    def rng(self) -> random.Random:
        return self.values.rng

    def chance(self, p: float) -> bool:
        return self.values.chance(p)

    # arguments and directives -------------------------------------------------------

    def variable(self, type_: graphql.GraphQLInputType, value: Any, prefix: str = "v") -> str:
        name = f"{prefix}{next(self.names)}"
        self.definitions.append(f"${name}: {type_}")
        self.variables[name] = value
        return f"${name}"

    def argument(self, name: str, arg: graphql.GraphQLArgument, value: Any) -> str:
        if not graphql.is_non_null_type(arg.type) and self.chance(0.03):
            # declared, never sent: the argument takes its default
            text = f"${name}{next(self.names)}"
            self.definitions.append(f"{text}: {arg.type}")
            return f"{name}: {text}"
        if self.chance(0.3):
            return f"{name}: {self.variable(arg.type, value)}"
        return f"{name}: {literal(value)}"

    def pagination(
        self, field_def: graphql.GraphQLField, list_name: str | None, order: Any
    ) -> dict[str, Any]:
        args = field_def.args
        chosen: dict[str, Any] = {}
        roll = self.rng.random()
        if "first" in args and (roll < 0.8 or graphql.is_non_null_type(args["first"].type)):
            chosen["first"] = self.values.page()
        elif "last" in args and roll < 0.93:
            chosen["last"] = self.values.page()
        if "after" in args and ("first" in chosen or self.chance(0.03)) and self.chance(0.2):
            chosen["after"] = self.values.cursor(list_name, order)
        if "before" in args and ("last" in chosen or self.chance(0.03)) and self.chance(0.3):
            chosen["before"] = self.values.cursor(list_name, order)
        if "last" in args and "first" in chosen and self.chance(0.02):
            chosen["last"] = self.values.page()  # both: refused the same way, we hope
        return chosen

    def arguments(self, name: str, field_def: graphql.GraphQLField, root: bool) -> tuple[str, Any]:
        """The field's arguments as text, and the id asked for (for node's fragments)."""
        chosen: dict[str, Any] = {}
        order = None
        if "orderBy" in field_def.args and self.chance(0.3):
            chosen["orderBy"] = self.values.of_type(field_def.args["orderBy"].type, "orderBy")
            order = chosen["orderBy"].get("field")
        chosen.update(self.pagination(field_def, name if root else None, order))
        for arg_name, arg in field_def.args.items():
            if arg_name in chosen or arg_name in PAGINATION or arg_name == "orderBy":
                continue
            if graphql.is_required_argument(arg) or self.chance(0.3):
                chosen[arg_name] = self.values.of_type(arg.type, arg_name)
        if not chosen:
            return "", None
        ordered = [(n, chosen[n]) for n in field_def.args if n in chosen]
        text = ", ".join(self.argument(n, field_def.args[n], v) for n, v in ordered)
        return f"({text})", chosen.get("id")

    def directive(self) -> str:
        if not self.chance(0.1):
            return ""
        which = self.pick(("include", "skip"))
        if self.chance(0.25):
            condition = literal(self.chance(0.5))
        else:
            condition = self.variable(
                graphql.GraphQLNonNull(graphql.GraphQLBoolean), self.chance(0.6), "b"
            )
        return f" @{which}(if: {condition})"

    def pick(self, values: Any) -> Any:
        return self.values.pick(values)

    # selections ---------------------------------------------------------------------

    def field(
        self,
        parent: graphql.GraphQLObjectType,
        name: str,
        keys: set[str],
        relations: int,
        lists: int,
        root: bool = False,
    ) -> str:
        field_def = parent.fields[name]
        key = name
        if key in keys or self.chance(0.12):
            key = f"{name}{next(self.names)}"
        keys.add(key)
        head = name if key == name else f"{key}: {name}"
        args, asked = self.arguments(name, field_def, root)
        text = head + args + self.directive()
        target = graphql.get_named_type(field_def.type)
        if graphql.is_leaf_type(target):
            return text
        if not _is_wrapper(target):
            relations += 1
        if _is_list(field_def.type) or _is_connection(target):
            lists += 1
        inner = self.selection(target, relations, lists, asked)  # type: ignore[arg-type]
        return f"{text} {{ {inner} }}"

    def choose_fields(
        self, type_: graphql.GraphQLObjectType, relations: int, lists: int
    ) -> list[str]:
        if type_.name.endswith("Edge"):
            return ["node", "cursor"] if self.chance(0.5) else ["node"]
        if _is_connection(type_):
            wrappers = (("edges", 0.5), ("nodes", 0.5), ("pageInfo", 0.3), ("totalCount", 0.3))
            chosen = [n for n, p in wrappers if self.chance(p)]
            return chosen or [self.pick(("edges", "nodes"))]
        leaves, objects = [], []
        for name, f in type_.fields.items():
            target = graphql.get_named_type(f.type)
            if graphql.is_leaf_type(target):
                leaves.append(name)
            elif relations < MAX_RELATIONS and not (
                lists >= MAX_LISTS and (_is_list(f.type) or _is_connection(target))
            ):
                objects.append(name)
        chosen = (
            self.rng.sample(leaves, self.rng.randint(1, min(MAX_LEAVES, len(leaves))))
            if leaves
            else []
        )
        for name in objects:
            if self.chance(0.35 / (relations + 1)) and len(chosen) < 7:
                chosen.append(name)
        return chosen or [self.pick(objects)]

    def selection(
        self, type_: graphql.GraphQLNamedType, relations: int, lists: int, asked: Any = None
    ) -> str:
        keys: set[str] = set()
        if isinstance(type_, graphql.GraphQLInterfaceType):
            return self.interface(type_, keys, relations, lists, asked)
        assert isinstance(type_, graphql.GraphQLObjectType)
        parts = [
            self.field(type_, n, keys, relations, lists)
            for n in self.choose_fields(type_, relations, lists)
        ]
        if self.chance(0.08) and "__typename" not in keys:
            parts.append("__typename")
        return " ".join(self.fragmented(type_, parts))

    def interface(
        self,
        type_: graphql.GraphQLInterfaceType,
        keys: set[str],
        relations: int,
        lists: int,
        asked: Any,
    ) -> str:
        parts = [
            self.field(type_, n, keys, relations, lists) for n in type_.fields if self.chance(0.7)
        ]  # type: ignore[arg-type]
        if self.chance(0.4):
            parts.append("__typename")
        possible = list(self.schema.get_possible_types(type_))
        chosen = set(self.rng.sample(possible, self.rng.randint(0, 2)))
        actual = self.values.seeded.type_of(asked)
        if actual is not None and self.chance(0.9):
            chosen.add(self.schema.get_type(actual))  # type: ignore[arg-type]
        for t in sorted(chosen, key=lambda t: t.name):
            inner = [
                self.field(t, n, keys, relations, lists)
                for n in self.choose_fields(t, relations, lists)
            ]
            parts.append(f"... on {t.name}{self.directive()} {{ {' '.join(inner)} }}")
        return " ".join(parts or ["__typename"])

    def fragmented(self, type_: graphql.GraphQLObjectType, parts: list[str]) -> list[str]:
        """Some of a selection's fields moved into a named or an inline fragment."""
        if len(parts) < 2 or not self.chance(0.25):
            return parts
        moved = self.rng.sample(parts, self.rng.randint(1, len(parts) - 1))
        kept = [p for p in parts if p not in moved]
        body = " ".join(moved)
        roll = self.rng.random()
        if roll < 0.5:
            name = f"F{next(self.names)}"
            self.fragments.append(f"fragment {name} on {type_.name} {{ {body} }}")
            spread = f"...{name}{self.directive()}"
        elif roll < 0.85:
            spread = f"... on {type_.name}{self.directive()} {{ {body} }}"
        else:
            spread = f"...{self.directive() or ' @include(if: true)'} {{ {body} }}"
        return [*kept, spread] if self.chance(0.5) else [spread, *kept]

    def text(self, seed: str) -> str:
        query = self.schema.query_type
        assert query is not None
        roots = list(query.fields)
        count = self.pick((1, 1, 1, 2, 2, 3))
        keys: set[str] = set()
        chosen = [self.pick([*roots, "node", "node"]) for _ in range(count)]
        body = " ".join(self.field(query, n, keys, 0, 0, root=True) for n in chosen)
        if self.definitions:
            head = f"query G{seed.replace(':', '_')}({', '.join(self.definitions)}) "
        else:
            head = self.pick(("", f"query G{seed.replace(':', '_')} "))
        return "\n".join([f"{head}{{ {body} }}", *self.fragments])


class Generator:
    def __init__(self, schema: graphql.GraphQLSchema, seeded: Seeded) -> None:
        self.schema = schema
        self.seeded = seeded
        self.relations = relation_types(schema)

    def one(self, seed: str) -> Generated:
        values = Values(self.seeded, self.relations, random.Random(seed))
        document = Document(self.schema, values)
        return Generated(document.text(seed), document.variables, seed)

    def documents(self, prefix: str, count: int) -> list[Generated]:
        """Documents of the seeds `prefix:0` ... `prefix:<count - 1>`. Not validated
        here (graphql-core's validation costs more than making one): the server does,
        and tests/differential checks a sample."""
        return [self.one(f"{prefix}:{n}") for n in range(count)]
