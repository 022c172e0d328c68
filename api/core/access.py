"""Field access: the one place where a role's policy meets the GraphQL schema.

Two halves, both fed by the catalog (tenants/access) and the caller's policy:

* `analyse` walks a document once per (document, role version) — the result is
  cached — and marks every field node the role may not read: a field of an entity
  type the policy denies, a row-dependent field (readable on the viewer's own row
  only, or on a row reached through a reference relation only), any field that
  returns an entity the role cannot read, and a mutation whose action the role lacks. Fields on entity types that the catalog does not know are
  denied: a new field cannot forget its policy.
* `install_guards` wraps, once at start-up, the resolvers of every field of an entity
  type, of Query and of Mutation. The wrapper raises FORBIDDEN for a marked node
  (so the field is null with an error at its path, whatever alias or fragment led
  there), checks row-dependent fields against the row, and checks arguments:
  `filter` and `orderBy` may only use readable fields, `input` only writable ones; a
  filter's text search is narrowed to the searched fields the role may read.

Type and argument metadata is declared where the types are: `__entity__` on
strawberry types and inputs, `__reveals__` on filter inputs for keys that are not
plain fields, `__searches__` on filter inputs for text-search keys and the fields they
search (the guard hands the resolver a `domain.search.Search` of the readable ones), `__writes__` on mutation inputs for keys that write fields under
another name (`{"roleId": ("role",)}`), `__locators__` for keys that only locate
the row, `metadata={"access": (entity, action)}` on root fields, `{"own_record": True}`
on a field returning the viewer's own row, `{"reference": True}` on a relation whose
rows show their entity's referable fields to any caller (`REFERENCE`), and
`metadata={"reveals": {entity: (field, ...)}}` on a field whose value is made of other
entities' fields (a report's sums, a webhook payload): it is readable only by a role
that may read every one of them. `reveals` may instead be a function of the row giving
that mapping, for a field whose content depends on the row (a delivery's payload).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    default_field_resolver,
    get_named_type,
    visit,
)
from strawberry import UNSET

from api.core.by_document import MISSING, ByDocument
from api.errors import forbidden
from api.strawberry_internals import field_metadata, generic_arguments, python_class
from domain.search import Search
from tenants.access.catalog import catalog
from tenants.access.policy import Policy, Read

LOGICAL_KEYS = ("and", "or", "not")
LOCATOR_KEYS = ("id", "version", "clientMutationId")
# Metadata of a relation to rows of an entity with referable fields (a deal's owner):
# readable without the entity's read. Its resolver returns rows that say so
# (`referenced`), on which the referable fields show (Read.REFERENCE).
REFERENCE = {"reference": True}


Reveals = Mapping[str, tuple[str, ...]]  # entity -> the fields of it a value is made of
RowReveals = Callable[[Any], Reveals]


@dataclass(frozen=True)
class Rule:
    """Why a field node is guarded."""

    message: str
    self_only: bool = False  # readable when the row is the viewer's own
    row_reveals: RowReveals | None = None  # readable when the row reveals nothing hidden
    referenced: bool = False  # readable when the row was reached through a reference


def hidden_field(policy: Policy, reveals: Reveals) -> str | None:
    """The first `Entity.field` of `reveals` the role may not read (None: it reads all)."""
    for entity, fields in reveals.items():
        for name in fields:
            if not policy.can_read(entity, name):
                return f"{entity}.{name}"
    return None


def readable_on_every_row(
    policy: Policy, entity: str | None, field: str, target: str | None
) -> bool:
    """Whether the guard lets `entity.field` (returning rows of `target`, when it is a
    relation) through on every row, whatever the row: the role reads the field on its
    entity without a row condition (_rule_for's Read.ALLOW) and reads the entity the
    field returns. A field readable on the viewer's own record only shows on one row at
    most, so a prefetch leaves it to its loader."""
    if target is not None and not policy.can(target, "read"):
        return False
    return entity is None or policy.read(entity, field) is Read.ALLOW


def entity_of(gtype: Any) -> str | None:
    return getattr(python_class(gtype), "__entity__", None)


def returned_entity(gtype: Any) -> str | None:
    """The entity a type stands for: its own, or its item's for Connection[T] / Edge[T]."""
    entity = entity_of(gtype)
    if entity is None:
        for item in generic_arguments(gtype):
            entity = getattr(item, "__entity__", None) or entity
    return entity


def field_access(field: GraphQLField) -> tuple[str, str] | None:
    return field_metadata(field).get("access")


# --------------------------------------------------------------------------- analyse
def analyse(schema: GraphQLSchema, document: DocumentNode, policy: Policy) -> dict[FieldNode, Rule]:
    type_info = TypeInfo(schema)
    denied: dict[FieldNode, Rule] = {}
    mutation_type = schema.mutation_type
    query_type = schema.query_type

    class Walker(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.name.value.startswith("__"):
                return
            parent = type_info.get_parent_type()
            field = type_info.get_field_def()
            if parent is None or field is None:
                return
            rule = _rule_for(policy, parent, node.name.value, field, mutation_type, query_type)
            if rule is not None:
                denied[node] = rule

    visit(document, TypeInfoVisitor(type_info, Walker()))
    return denied


def _rule_for(
    policy: Policy,
    parent: Any,
    name: str,
    field: GraphQLField,
    mutation_type: GraphQLObjectType | None,
    query_type: GraphQLObjectType | None,
) -> Rule | None:
    declared = field_access(field)
    if declared is not None:
        entity, action = declared
        if not policy.can(entity, action):
            return Rule(f"Your role may not {action} {entity}.")
    elif parent is mutation_type:
        return Rule(f"Mutation {name} declares no access rule.")  # fail closed
    decision = Read.ALLOW
    parent_entity = entity_of(parent)
    if parent_entity is not None:
        if parent_entity not in catalog():
            return Rule(f"{parent_entity} is not in the access catalog.")
        decision = policy.read(parent_entity, name)
        if not decision:
            return Rule(f"Your role may not read {parent_entity}.{name}.")
    target_entity = returned_entity(get_named_type(field.type))
    # A field marked `own_record` returns only the viewer's own row, whose fields are
    # then checked one by one (Read.SELF): readable even without the entity's read;
    # so is a reference relation, whose rows show their referable fields.
    metadata = field_metadata(field)
    reaches = metadata.get("own_record", False) or metadata.get("reference", False)
    if target_entity is not None and not reaches and not policy.can(target_entity, "read"):
        return Rule(f"Your role may not read {target_entity}.")
    reveals = metadata.get("reveals")
    if reveals is not None and (refused := _reveals_rule(policy, name, reveals)):
        return refused
    if decision is not Read.ALLOW:
        return _row_rule(f"{parent_entity}.{name}", decision)
    return None


def _reveals_rule(policy: Policy, name: str, reveals: Reveals | RowReveals) -> Rule | None:
    if callable(reveals):  # decided row by row, in the guard
        return Rule(f"This {name} reveals fields your role may not read.", row_reveals=reveals)
    hidden = hidden_field(policy, reveals)
    return Rule(f"{name} reveals {hidden}, which your role may not read.") if hidden else None


def _row_rule(field: str, decision: Read) -> Rule:
    """The rule of a field readable on some rows only (Read.SELF, Read.REFERENCE)."""
    where = [
        text
        for flag, text in (
            (Read.SELF, "on your own record"),
            (Read.REFERENCE, "where a record you read names it"),
        )
        if flag in decision
    ]
    return Rule(
        f"Your role may read {field} {' or '.join(where)} only.",
        self_only=Read.SELF in decision,
        referenced=Read.REFERENCE in decision,
    )


class AccessCache:
    """Analyses by (document, role, role version).

    Marks are keyed by `id(node)`: graphql-core hashes an AST node by its whole
    subtree, which made every guarded field's lookup cost the size of its selection
    (api.core.by_document keeps the document, and so its nodes and their ids, alive)."""

    def __init__(self, schema: GraphQLSchema, size: int = 2048) -> None:
        self.schema = schema
        self.items: ByDocument[dict[int, Rule]] = ByDocument(size)  # its counts: /metrics

    def denied(
        self, document: DocumentNode, role_key: Any, version: int, policy: Policy
    ) -> dict[int, Rule]:
        found = self.items.get(document, role_key, version)
        if found is not MISSING:
            return found
        result = {id(node): rule for node, rule in analyse(self.schema, document, policy).items()}
        return self.items.put(document, result, role_key, version)


# --------------------------------------------------------------------------- guards
def install_guards(schema: GraphQLSchema) -> None:
    """Wrap resolvers of every field that can reveal or change protected data."""
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    for gtype in schema.type_map.values():
        if not isinstance(gtype, GraphQLObjectType) or gtype.name.startswith("__"):
            continue
        entity = entity_of(gtype)
        for field in gtype.fields.values():
            checks = argument_checks(field)
            if entity is not None or gtype in roots or checks or _may_be_marked(field):
                field.resolve = _guard(field.resolve or default_field_resolver, checks)


def _may_be_marked(field: GraphQLField) -> bool:
    """Whether the analysis can refuse this field on any type, entity or not: it returns
    an entity's rows (a plain type's relation, e.g. a timeline entry's activity) or
    declares what it reveals. A mark no guard enforces would be silently ignored."""
    target = returned_entity(get_named_type(field.type))
    return target is not None or field_metadata(field).get("reveals") is not None


ArgCheck = Callable[[Policy, Any], Any]  # the argument value to resolve with


def _guard(resolve: Callable[..., Any], checks: list[tuple[str, ArgCheck]]) -> Callable[..., Any]:
    def guarded(root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        context = info.context
        if context.denied:
            for node in info.field_nodes:
                rule = context.denied.get(id(node))
                if rule is not None and not _row_allows(rule, root, context):
                    raise forbidden(rule.message)
        if checks:
            policy = context.policy
            for name, check in checks:
                value = args.get(name)
                if value is not None:
                    args[name] = check(policy, value)
        return resolve(root, info, **args)

    guarded.__wrapped__ = resolve  # type: ignore[attr-defined]
    guarded.__atrium_guard__ = True  # type: ignore[attr-defined]
    return guarded


def is_guarded(field: GraphQLField) -> bool:
    """Whether the access guard runs before `field`'s resolver (whatever wraps it)."""
    resolve = field.resolve
    while resolve is not None:
        if getattr(resolve, "__atrium_guard__", False):
            return True
        resolve = getattr(resolve, "__wrapped__", None)
    return False


def _row_allows(rule: Rule, root: Any, context: Any) -> bool:
    """Whether a row-dependent rule lets this row's field through."""
    if rule.row_reveals is not None:
        return hidden_field(context.policy, rule.row_reveals(root)) is None
    if rule.referenced and getattr(root, "referenced", False) is True:
        return True
    return rule.self_only and _is_own(root, context)


def _is_own(root: Any, context: Any) -> bool:
    belongs = getattr(root, "belongs_to", None)
    return belongs is not None and context.actor is not None and belongs(context.actor.user_id)


def _unwrap(t: Any) -> Any:
    while isinstance(t, (GraphQLNonNull, GraphQLList)):
        t = t.of_type
    return t


def argument_checks(field: GraphQLField) -> list[tuple[str, ArgCheck]]:
    checks: list[tuple[str, ArgCheck]] = []
    for name, arg in field.args.items():
        input_type = _unwrap(arg.type)
        if not isinstance(input_type, GraphQLInputObjectType):
            continue
        if name == "filter":
            checks.append((name, _filter_check(input_type)))
        elif name == "orderBy":
            checks.append((name, _order_check(input_type)))
        elif name == "input":
            checks.append((name, _input_check(input_type)))
    return checks


def text_searches(input_type: Any) -> Mapping[str, tuple[str, ...]]:
    """A filter input's text-search keys and the fields each searches (`__searches__`);
    the guard narrows them, api.cost prices them, api.input_checks bounds their length."""
    return getattr(python_class(input_type), "__searches__", {})


def _filter_check(input_type: GraphQLInputObjectType) -> ArgCheck:
    entity = entity_of(input_type)
    reveals: Mapping[str, tuple[str, ...]] = getattr(python_class(input_type), "__reveals__", {})
    searches = text_searches(input_type)

    def check(policy: Policy, value: Any) -> Any:
        if isinstance(value, list):
            return [check(policy, item) for item in value]
        checked = dict(value)  # graphql-core may share the value: never change it
        for key, sub in value.items():
            if sub is None:
                continue
            if key in LOGICAL_KEYS:
                checked[key] = check(policy, sub)
            elif key in searches:
                checked[key] = _search(policy, entity, key, searches[key], sub)
            elif any(
                entity is None or not policy.can_read(entity, f) for f in reveals.get(key, (key,))
            ):
                raise forbidden(f"Your role may not filter {entity} by {key}.")
        return checked

    return check


def _search(
    policy: Policy, entity: str | None, key: str, fields: tuple[str, ...], text: str
) -> Search:
    """The search over the fields the role may read: a match on another would tell
    something about a value the role may not see."""
    readable = tuple(f for f in fields if entity is not None and policy.can_read(entity, f))
    if not readable:
        raise forbidden(f"Your role may read none of the fields {entity} {key} covers.")
    return Search(text, readable)


def searched(value: object) -> Search | None:
    """A filter's text search as the guard hands it to the resolver: a Search of the
    fields the role may read (`__searches__`). The schema declares the key a String,
    so its Python type says str; a str here means no guard narrowed it, which must
    never reach a repository."""
    if value is None or value is UNSET:
        return None
    if not isinstance(value, Search):
        raise TypeError("A search reached its resolver without the access guard.")
    return value


def _order_check(input_type: GraphQLInputObjectType) -> ArgCheck:
    entity = entity_of(input_type)

    def check(policy: Policy, value: Any) -> Any:
        for item in value if isinstance(value, list) else [value]:
            key = getattr(item.get("field"), "value", item.get("field"))
            if key is not None and (entity is None or not policy.can_read(entity, key)):
                raise forbidden(f"Your role may not sort {entity} by {key}.")
        return value

    return check


def _input_check(input_type: GraphQLInputType) -> ArgCheck:
    def check(policy: Policy, value: Any, gtype: Any = input_type) -> None:
        gtype = _unwrap(gtype)
        if not isinstance(gtype, GraphQLInputObjectType):
            return
        entity = entity_of(gtype)
        origin = python_class(gtype)
        locators = getattr(origin, "__locators__", LOCATOR_KEYS)
        writes: Mapping[str, tuple[str, ...]] = getattr(origin, "__writes__", {})
        for item in value if isinstance(value, list) else [value]:
            for key, sub in item.items():
                if key in locators:
                    continue
                for f in writes.get(key, (key,)):
                    if entity is not None and not policy.can_write(entity, f):
                        raise forbidden(f"Your role may not write {entity}.{f}.")
                if sub is not None:
                    check(policy, sub, gtype.fields[key].type)

    def checked(policy: Policy, value: Any) -> Any:
        check(policy, value)
        return value

    return checked
