"""Every code a DomainError may carry, as one enum: the generic ones and each area's.
The GraphQL `UserErrorCode` is this enum, so introspection lists exactly these and a
misspelt member fails at import. A new area's enum joins AREA_CODES."""

from __future__ import annotations

from enum import StrEnum

from domain.admin.errors import AdminError
from domain.billing.errors import BillingError
from domain.crm.errors import CrmError
from domain.errors import ErrorCode
from domain.hr.errors import HrError
from domain.inventory.errors import InventoryError
from domain.sales.errors import SalesError

AREA_CODES: tuple[type[StrEnum], ...] = (
    ErrorCode,
    CrmError,
    SalesError,
    InventoryError,
    BillingError,
    HrError,
    AdminError,
)


def _union(enums: tuple[type[StrEnum], ...]) -> dict[str, str]:
    members: dict[str, str] = {}
    for enum in enums:
        for member in enum:
            if members.setdefault(member.name, member.value) != member.value:
                raise TypeError(f"{enum.__name__}.{member.name} clashes with another area's")
    return members


UserErrorCode = StrEnum("UserErrorCode", _union(AREA_CODES))  # type: ignore[misc]
