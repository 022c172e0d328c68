"""The business areas, in dependency order, and their access declarations.

Each area `x` may have `tenants/access/areas/x.py` (entities and built-in grants),
`api/x/{queries,mutations,types}.py`, `domain/x/models.py` (tables and `OWNERSHIP`),
`domain/x/defaults.py` (what every new tenant starts with) and `domain/x/demo.py`
(demo data). Each place that gathers one of those lists them explicitly, in this order
(api/schema.py, domain/scope.py, domain/tenancy.py, domain/demo/__init__.py);
tests/unit/test_area_listings.py fails when one of them misses an area.
"""

from __future__ import annotations

from tenants.access.areas import admin, billing, crm, hr, inventory, reports, sales, webhooks

# Dependency order: an area refers only to the entities of the areas before it.
_DECLARATIONS = (admin, hr, crm, inventory, sales, billing, reports, webhooks)

AREA_NAMES = tuple(module.__name__.rpartition(".")[2] for module in _DECLARATIONS)
AREAS = tuple(module.AREA for module in _DECLARATIONS)
