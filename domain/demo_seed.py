"""What an area's demo seed (`domain/<area>/demo.py: seed`) is handed. Outside the
domain.demo package, which imports every area's seed: an area imports this without
importing the others."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from tenants.access.builtin import ADMIN_ROLE

HOME_CURRENCY = {"acme": "EUR", "globex": "USD"}


@dataclass(frozen=True)
class DemoSeed:
    conn: AsyncConnection
    tenant_id: UUID
    slug: str
    users: dict[str, UUID]  # role key -> user id ("tenant_admin" is the admin)

    @property
    def currencies(self) -> tuple[str, str]:
        """The tenant's home currency (most deals, salaries, the full catalogue), then the
        one its export deals use (a smaller export catalogue)."""
        home = HOME_CURRENCY.get(self.slug, "EUR")
        return home, "USD" if home == "EUR" else "EUR"


def demo_email(role_key: str, slug: str) -> str:
    local = "admin" if role_key == ADMIN_ROLE else role_key
    return f"{local}@{slug}.example"
