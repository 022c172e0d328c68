"""The business areas, in dependency order, and their access declarations.

Each area `x` may have `tenants/access/areas/x.py` (entities and built-in grants),
`api/x/{queries,mutations,types}.py`, `domain/x/defaults.py` (what every new tenant
starts with) and `domain/x/demo.py` (demo data). Those modules are discovered by
these names, so adding an area is adding its name here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from tenants.access.catalog import Area

AREA_NAMES = ("admin", "hr", "crm", "inventory", "sales", "billing", "reports", "webhooks")


def area_modules(package: str, module: str) -> list[ModuleType]:
    """`package.<area>.module` for every area that has it, in area order."""
    found = []
    for name in AREA_NAMES:
        try:
            found.append(importlib.import_module(f"{package}.{name}.{module}"))
        except ModuleNotFoundError as exc:
            if exc.name not in {f"{package}.{name}", f"{package}.{name}.{module}"}:
                raise
    return found


def _areas() -> tuple[Area, ...]:
    out = []
    for name in AREA_NAMES:
        try:
            module = importlib.import_module(f"tenants.access.areas.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tenants.access.areas.{name}":
                raise
            continue
        out.append(module.AREA)
    return tuple(out)


AREAS = _areas()
