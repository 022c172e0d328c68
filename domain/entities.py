"""Every catalog entity, described once on the domain side.

An entity of the access catalog (`tenants/access/areas/<area>.py`: its fields, actions and
grants) is declared here by its area (`ENTITIES` in `domain/<area>/models.py`, next to
its tables) as either

* `Stored`: kept in a table. Each catalog field is the column of its snake_case name
  (a reference adds `_id`: `owner` is `owner_id`), the column `columns` names, or is
  `derived` (computed, and where); each column no field shows is `internal` (and why).
* `Computed`: a report with no table, added up from other entities' rows.

Both say how the rows belong to users (`ownership`: record scope, `domain/scope.py`).
The entity's GraphQL type is the object type of the same name (`__entity__` on it, in
`api/<area>/types.py`). `tests/unit/test_entity_descriptions.py` holds catalog, table
and GraphQL type together for every entity, so none of them can drift alone.
"""

from __future__ import annotations

from domain.admin import models as admin
from domain.billing import models as billing
from domain.crm import models as crm
from domain.entity import Description
from domain.hr import models as hr
from domain.inventory import models as inventory
from domain.reports import models as reports
from domain.sales import models as sales
from domain.webhooks import models as webhooks


def _collect(areas: tuple[tuple[Description, ...], ...]) -> dict[str, Description]:
    found: dict[str, Description] = {}
    for declared in areas:
        for description in declared:
            assert description.name not in found, f"{description.name} described twice"
            found[description.name] = description
    return found


# every area's descriptions, in area order (tenants.access.areas)
AREA_ENTITIES: tuple[tuple[Description, ...], ...] = (
    admin.ENTITIES,
    hr.ENTITIES,
    crm.ENTITIES,
    inventory.ENTITIES,
    sales.ENTITIES,
    billing.ENTITIES,
    reports.ENTITIES,
    webhooks.ENTITIES,
)
# by catalog entity name, in area order
ENTITIES: dict[str, Description] = _collect(AREA_ENTITIES)

# tables of no entity of their own, and what they keep
SUPPORTING: dict[str, str] = {
    "tenants": "the tenant registry (platform): `viewer.tenant`, reached through functions",
    "deal_stage_changes": "the rows of `Deal.history` (a deal's stage changes)",
    "invoice_counters": "the next number per series and year (domain/billing/numbering.py)",
    "idempotency_keys": "mutations' answers kept for retries (domain/idempotency.py)",
    "persisted_operations": "GraphQL documents by hash, global (domain/persisted_operations.py)",
}
