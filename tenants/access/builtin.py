"""The built-in roles of ACCESS.md, assembled from each area's grants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tenants.access.catalog import Catalog, catalog
from tenants.access.policy import EntityGrant, Policy


@dataclass(frozen=True)
class BuiltinRole:
    key: str
    name: str
    description: str


BUILTIN_ROLES = (
    BuiltinRole("sales_rep", "Sales rep", "Works own leads, deals and activities."),
    BuiltinRole("sales_manager", "Sales manager", "Runs the whole pipeline and its reports."),
    BuiltinRole("accountant", "Accountant", "Invoices, payments, credit and costs."),
    BuiltinRole("warehouse", "Warehouse", "Products, stock and shipping."),
    BuiltinRole("hr_manager", "HR manager", "Employees, departments and personal data."),
    BuiltinRole("tenant_admin", "Tenant admin", "Everything, plus users, roles and the audit log."),
)
ADMIN_ROLE = "tenant_admin"


def builtin_policy(role_key: str, cat: Catalog | None = None) -> Policy:
    cat = cat or catalog()
    if role_key == ADMIN_ROLE:
        return Policy(
            {
                spec.name: EntityGrant(
                    frozenset(spec.actions),
                    "all",
                    frozenset(spec.fields),
                    frozenset(spec.fields) - frozenset(spec.readonly),
                )
                for spec in cat.entities.values()
            },
            cat,
        )
    grants: dict[str, EntityGrant] = {}
    for g in cat.grants_for(role_key):
        spec = cat[g.entity]
        assert g.entity not in grants, f"{role_key} grants {g.entity} twice"
        write = spec.expand(g.write)
        grants[g.entity] = EntityGrant(
            frozenset(g.actions.split()), g.scope, spec.expand(g.read), write - set(spec.readonly)
        )
    return Policy(grants, cat)


def builtin_permission_map() -> dict[str, Any]:
    """Every built-in role's permissions: the reviewed snapshot (tests/snapshots)."""
    return {role.key: builtin_policy(role.key).as_json() for role in BUILTIN_ROLES}
