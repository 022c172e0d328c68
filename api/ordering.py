"""Sort direction shared by every `orderBy:` input."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"
