"""Users known to an external OIDC identity provider by its subject id

Revision ID: 0010
Revises: 0007

`users.external_subject` is the subject (`sub`, or the claim ATRIUM_OIDC_SUBJECT_CLAIM
names) an identity provider gives the person; a token of that provider names the
user by it (api/oidc.py, tenants/identities.py). It is unique per tenant, like every
key of tenant data, and only where it is set: most users have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from migrations.rls import tenant_index

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("external_subject", sa.Text))
    tenant_index(
        "users",
        "external_subject",
        unique=True,
        name="ux_users_external_subject",
        where="external_subject IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_index("ux_users_external_subject", table_name="users")
    op.drop_column("users", "external_subject")
