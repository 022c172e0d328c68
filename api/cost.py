"""Query cost: an upper bound on the objects a document can make the server produce.

Depth, alias and token limits do not stop `customers(first: 200) { orders(first: 200)
{ lines(first: 200) ... } }` (8 million rows in a short query). Here every selected
field costs 1 times the page sizes of the lists above it; a field taking `first`/`last`
multiplies what is below it by the literal page size, by the maximum for a variable
(validation is cached per document, before variables are known), or by the default
page size when neither is given. Introspection fields are free. A field answered once
for its whole list (a connection's `totalCount`: one statement, bounded by the statement
timeout) costs 1 per list, not per row of its page (`per_list`).

A list without `first` multiplies what is below it by the most items it can answer per
parent, declared on the field with `metadata=at_most(N)`, where N is a named constant
beside the list's read (the read applies it, ranked per parent in SQL) or its writes
(they refuse to exceed it); the constant's comment says which. A list that declares
nothing counts as the largest page (`max_page_size`); tests/unit/test_list_bounds.py
fails on such a list, so a new one cannot forget its bound.

A list's `filter` costs by its kind, once per object the list is read for: a text search
(a filter's `__searches__` key, e.g. `search`, employees' `name`) matches by pattern on
every row of the tenant's table, which no index serves, so it costs `search_cost`
(5,000 by default, a large tenant's table); any other condition costs
`filter_condition_cost` (10). Conditions inside `and`/`or`/`not` count one by one; a
filter given as a variable counts as the most it can hold at its top level (a search and
every condition). Aliases are separate reads, so each pays in full: ten aliased searches
cost ten searches.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from api.core.access import text_searches
from api.settings import Settings
from api.strawberry_internals import field_metadata

PAGE_ARGUMENTS = ("first", "last")
MAX_ITEMS = "max_items"  # field metadata key: see at_most
FILTER = "filter"
# `edges`/`nodes` of a connection: the connection field's `first` counted the page already
PER_PAGE = 1


ONCE = "per_list"  # field metadata key: see per_list


def per_list() -> dict[str, bool]:
    """Metadata of a connection's field answered once for the list, not per row of its
    page (totalCount): it costs what its connection field costs itself."""
    return {ONCE: True}


def at_most(items: int) -> dict[str, int]:
    """Metadata of a list field without `first`: it answers at most `items` per parent."""
    return {MAX_ITEMS: items}


def declared_bound(field: GraphQLField) -> int | None:
    """The `at_most` a list field declares, None when it declares none."""
    return field_metadata(field).get(MAX_ITEMS)


def is_list(field: GraphQLField) -> bool:
    return isinstance(get_nullable_type(field.type), GraphQLList)


def query_cost_rule(settings: Settings) -> type[ValidationRule]:
    limit = settings.max_query_cost

    class QueryCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            context: ValidationContext = self.context
            root = context.schema.get_root_type(node.operation)
            cost = _Cost(context, settings).of(node.selection_set, root, 1, frozenset())
            if cost > limit:
                context.report_error(
                    GraphQLError(
                        f"Query cost {cost} is over the limit of {limit}: ask for fewer rows "
                        "(smaller `first`/`last`), fewer nested lists or fewer text searches "
                        "(each alias pays for its own).",
                        node,
                    )
                )

    return QueryCost


class _Cost:
    def __init__(self, context: ValidationContext, settings: Settings) -> None:
        self.schema = context.schema
        self.settings = settings
        self.fragments = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }

    def of(
        self,
        selection_set: SelectionSetNode | None,
        parent: Any,
        multiplier: int,
        spread: frozenset[str],
        lists: int = 1,
    ) -> int:
        """Cost of a selection set on `parent`, each field counted `multiplier` times
        (`lists` times for a `per_list` field: how often `parent` itself is read);
        `spread` holds the fragments being expanded (cycles are another rule's error)."""
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                field = getattr(parent, "fields", {}).get(name)
                if name.startswith("__") or field is None:
                    continue  # introspection, or an unknown field another rule reports
                below = multiplier * self.page_size(selection, field)
                inner = get_named_type(field.type)
                times = lists if field_metadata(field).get(ONCE) else multiplier
                reads = times * (1 + self.filtering(selection, field))
                total += reads + self.of(selection.selection_set, inner, below, spread, times)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, inner, multiplier, spread, lists)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spread:
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                total += self.of(fragment.selection_set, inner, multiplier, spread | {name}, lists)
        return total

    def page_size(self, node: FieldNode, field: Any) -> int:
        settings = self.settings
        if not any(a in field.args for a in PAGE_ARGUMENTS):
            if not is_list(field):
                return 1
            declared = declared_bound(field)
            return settings.max_page_size if declared is None else declared
        given = [a.value for a in node.arguments or () if a.name.value in PAGE_ARGUMENTS]
        if not given:
            return settings.default_page_size
        sizes = [
            min(int(v.value), settings.max_page_size)
            if isinstance(v, IntValueNode)
            else settings.max_page_size
            for v in given
        ]
        return max(0, *sizes)

    def filtering(self, node: FieldNode, field: GraphQLField) -> int:
        """What a field's `filter` makes the database do per object it is read for."""
        argument = field.args.get(FILTER)
        given = next((a.value for a in node.arguments or () if a.name.value == FILTER), None)
        if argument is None or given is None:
            return 0
        return self.filter_cost(given, get_named_type(argument.type))

    def filter_cost(self, value: ValueNode, filter_type: Any) -> int:
        if isinstance(value, NullValueNode):
            return 0
        if isinstance(value, ListValueNode):
            return sum(self.filter_cost(item, filter_type) for item in value.values)
        searches = text_searches(filter_type)
        if isinstance(value, VariableNode):
            return self.settings.search_cost * bool(searches) + (
                self.settings.filter_condition_cost * (len(filter_type.fields) - len(searches))
            )
        if not isinstance(value, ObjectValueNode):
            return 0
        total = 0
        for item in value.fields:
            name = item.name.value
            item_type = filter_type.fields.get(name)
            if item_type is None or isinstance(item.value, NullValueNode):
                continue
            if get_named_type(item_type.type) is filter_type:  # and / or / not
                total += self.filter_cost(item.value, filter_type)
            elif (item_type.out_name or name) in searches or name in searches:
                total += self.settings.search_cost
            else:
                total += self.settings.filter_condition_cost
        return total
