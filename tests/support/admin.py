"""GraphQL documents and helpers shared by the admin and roles tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.core.relay import from_global_id
from tenants.models import audit_events, roles, users

ERRORS = "userErrors { field message code }"
PERMISSIONS = "permissions { entity actions scope readableFields ownRecordFields writableFields }"
ROLE = f"id key name description builtin version userCount {PERMISSIONS}"
USER = "id email name active version role { id key }"

CREATE_ROLE = f"""mutation($input: CreateRoleInput!) {{
  createRole(input: $input) {{ role {{ {ROLE} }} {ERRORS} }} }}"""
UPDATE_ROLE = f"""mutation($input: UpdateRoleInput!) {{
  updateRole(input: $input) {{ role {{ {ROLE} }} {ERRORS} }} }}"""
DELETE_ROLE = f"""mutation($input: DeleteRoleInput!) {{
  deleteRole(input: $input) {{ deletedRoleId {ERRORS} }} }}"""
CREATE_USER = f"""mutation($input: CreateUserInput!) {{
  createUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"""
ASSIGN_ROLE = f"""mutation($input: AssignRoleInput!) {{
  assignRole(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"""
DEACTIVATE = f"""mutation($input: UserActivationInput!) {{
  deactivateUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"""
REACTIVATE = f"""mutation($input: UserActivationInput!) {{
  reactivateUser(input: $input) {{ user {{ {USER} }} {ERRORS} }} }}"""
ROLES = f"""query($filter: RoleFilter) {{ roles(filter: $filter, first: 200) {{ nodes {{ {ROLE} }} }} }}"""
USERS = f"""query($filter: UserFilter, $orderBy: UserOrder, $first: Int, $after: String) {{
  users(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {{
    nodes {{ {USER} }} pageInfo {{ hasNextPage endCursor }} }} }}"""


def grant(
    entity: str,
    actions: list[str],
    read: list[str] = (),  # type: ignore[assignment]
    write: list[str] = (),  # type: ignore[assignment]
    scope: str = "all",
) -> dict[str, Any]:
    return {
        "entity": entity,
        "actions": actions,
        "scope": scope,
        "readableFields": list(read),
        "writableFields": list(write),
    }


async def create_role(gql: Any, token: str, key: str, *grants: dict[str, Any], **more: Any) -> Any:
    """The createRole payload (asserting no top-level errors)."""
    variables = {"input": {"key": key, "name": key.title(), **more}}
    if grants:
        variables["input"]["permissions"] = list(grants)
    return (await gql(CREATE_ROLE, variables, token=token)).ok()["createRole"]


async def custom_role(gql: Any, tenant: Any, key: str, *grants: dict[str, Any]) -> dict[str, Any]:
    payload = await create_role(gql, tenant.admin_token, key, *grants)
    assert payload["userErrors"] == [], payload
    return payload["role"]


async def role_by_key(gql: Any, token: str, key: str) -> dict[str, Any]:
    nodes = (await gql(ROLES, {"filter": {"search": key}}, token=token)).ok()["roles"]["nodes"]
    return next(n for n in nodes if n["key"] == key)


async def holder_of(gql: Any, tenant: Any, role: dict[str, Any]) -> tuple[Any, str]:
    """A new user holding `role` (created by the tenant admin) and their token."""
    email = f"{role['key']}.{len(tenant.users)}@{tenant.slug}.example"
    payload = (
        await gql(
            CREATE_USER,
            {"input": {"email": email, "name": email, "roleId": role["id"]}},
            token=tenant.admin_token,
        )
    ).ok()["createUser"]
    assert payload["userErrors"] == [], payload
    user_id = from_global_id(payload["user"]["id"])[1]
    tenant.users[email] = user_id
    return payload["user"], tenant.token(user_id)


async def snapshot(tenant: Any) -> tuple[list[Any], list[Any], int]:
    """Every user and role row of the tenant and the number of audit events: compare
    before and after a refused write."""
    async with tenant.session() as conn:
        user_rows = (await conn.execute(sa.select(users).order_by(users.c.id))).all()
        role_rows = (await conn.execute(sa.select(roles).order_by(roles.c.id))).all()
        events = await conn.scalar(sa.select(sa.func.count()).select_from(audit_events))
    return [tuple(r) for r in user_rows], [tuple(r) for r in role_rows], events
