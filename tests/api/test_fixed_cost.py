"""The fixed cost of a request: what every request pays before and around its own reads."""

from __future__ import annotations

from api import viewer

# bench/workloads.py V0: the smallest authenticated request
V0 = "query V0 { viewer { user { id name roleKey } tenant { name } } }"


async def test_a_viewer_that_does_not_ask_for_permissions_does_not_compute_them(
    gql, tenant, monkeypatch
):
    # they walk every field of the catalog: several times the cost of the rest of V0
    def unwanted(**fields):
        raise AssertionError("permissions computed though not selected")

    monkeypatch.setattr(viewer.types, "EntityPermission", unwanted)
    data = (await gql(V0, token=await tenant.token_for("sales_rep"))).ok()
    assert data["viewer"]["user"]["roleKey"] == "sales_rep"
