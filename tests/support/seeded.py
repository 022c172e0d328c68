"""What a tenant seeded with demo data holds, as a client sees it: the global ids of
every node type reachable from a root list, the cursors of every list in every order it
offers, and a few words of its text, so generated documents ask for things that exist.
Collected once through the API as the tenant admin (who reads every row)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import graphql

from api.core.relay import from_global_id
from api.errors import AppError

PER_LIST = 50  # rows per list and order: enough ids and cursors for any generated page


@dataclass
class Seeded:
    ids: dict[str, list[str]] = field(default_factory=dict)  # node type -> global ids
    cursors: dict[tuple[str, str | None], list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # of names and titles, for searches

    @property
    def every_id(self) -> list[str]:
        return [i for ids in self.ids.values() for i in ids]

    def type_of(self, global_id: Any) -> str | None:
        """The type of a seeded node's id (None for anything else)."""
        found = _type_of(global_id) if isinstance(global_id, str) else None
        return found if found in self.ids else None

    def uuids(self, type_name: str) -> list[Any]:
        return [from_global_id(i)[1] for i in self.ids.get(type_name, ())]


def connections(schema: graphql.GraphQLSchema) -> dict[str, graphql.GraphQLObjectType]:
    """Root list fields with edges, by name: their node types."""
    assert schema.query_type is not None
    found = {}
    for name, root in schema.query_type.fields.items():
        connection = graphql.get_named_type(root.type)
        edges = getattr(connection, "fields", {}).get("edges")
        if edges is None or any(graphql.is_required_argument(a) for a in root.args.values()):
            continue
        found[name] = graphql.get_named_type(edges.type).fields["node"].type.of_type
    return found


def orders_of(root: graphql.GraphQLField) -> list[str | None]:
    """None (the list's default order) and every sort key of its `orderBy`."""
    order = root.args.get("orderBy")
    if order is None:
        return [None]
    keys = graphql.get_named_type(graphql.get_named_type(order.type).fields["field"].type)
    return [None, *keys.values]


def _id_selection(node: graphql.GraphQLObjectType, nodes: set[str]) -> str:
    """The node's id and, one level down, the ids of the nodes it relates to."""
    parts = ["id"] if "id" in node.fields else ["__typename"]
    for name, f in node.fields.items():
        target = graphql.get_named_type(f.type)
        if target.name in nodes and not f.args:
            parts.append(f"{name} {{ id }}")
    parts += [n for n in ("name", "title") if n in node.fields]
    return " ".join(parts)


def _type_of(global_id: str) -> str | None:
    try:
        return from_global_id(global_id)[0]
    except AppError:
        return None


def _visit(value: Any, seeded: Seeded, node_types: set[str]) -> None:
    """Every id and word anywhere in an answer."""
    if isinstance(value, list):
        for item in value:
            _visit(item, seeded, node_types)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                type_name = _type_of(item)
                if type_name in node_types:
                    seeded.ids.setdefault(type_name, [])
                    if item not in seeded.ids[type_name]:
                        seeded.ids[type_name].append(item)
            elif key in ("name", "title") and isinstance(item, str):
                seeded.words.extend(w for w in item.split() if len(w) > 2)
            else:
                _visit(item, seeded, node_types)


async def collect(gql: Any, token: str, schema: graphql.GraphQLSchema) -> Seeded:
    """Ids, cursors and words of the tenant `token` is in."""
    seeded = Seeded()
    lists = connections(schema)
    assert schema.query_type is not None
    node_types = {t.name for t in schema.get_possible_types(schema.get_type("Node"))}  # type: ignore[arg-type]
    cursors: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for name, node in lists.items():
        for order in orders_of(schema.query_type.fields[name]):
            by = f", orderBy: {{field: {order}}}" if order else ""
            select = _id_selection(node, node_types) if order is None else "__typename"
            result = await gql(
                f"{{ {name}(first: {PER_LIST}{by}) {{ edges {{ cursor node {{ {select} }} }} }} }}",
                token=token,
            )
            edges = ((result.data or {}).get(name) or {}).get("edges") or []
            cursors[(name, order)] = [e["cursor"] for e in edges]
            _visit(edges, seeded, node_types)
    seeded.cursors = dict(cursors)
    seeded.words = sorted(set(seeded.words))
    return seeded
