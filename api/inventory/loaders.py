"""Per-request DataLoaders of inventory rows: one statement per batch of ids."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.core.context import Info
from api.core.loaders import Relation, keyed_loader
from domain.inventory import repository


async def _products(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
    return await repository.products_by_ids(context.db, ids)


async def _warehouses(context: Any, ids: list[UUID]) -> dict[UUID, Any]:
    return await repository.warehouses_by_ids(context.db, ids)


async def _levels_by_product(context: Any, ids: list[UUID]) -> dict[UUID, list[Any]]:
    return await repository.levels_by(context.db, "product_id", ids)


async def _levels_by_warehouse(context: Any, ids: list[UUID]) -> dict[UUID, list[Any]]:
    limit = repository.LEVELS_PER_WAREHOUSE
    return await repository.levels_by(context.db, "warehouse_id", ids, limit)


PRODUCTS = Relation("inventory.product", _products, entity="Product")
WAREHOUSES = Relation("inventory.warehouse", _warehouses, entity="Warehouse")


async def levels_of_product(info: Info, uuid: UUID) -> list[Any]:
    loader = keyed_loader(info, "inventory.levels_by_product", _levels_by_product, ())
    return list(await loader.load(uuid))


async def levels_of_warehouse(info: Info, uuid: UUID) -> list[Any]:
    loader = keyed_loader(info, "inventory.levels_by_warehouse", _levels_by_warehouse, ())
    return list(await loader.load(uuid))
