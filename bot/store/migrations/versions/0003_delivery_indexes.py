"""delivery indexes: due pending rows in order, and one chat's rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_ONLY = sa.text("state = 'pending'")


def upgrade() -> None:
    op.create_index(
        op.f("ix_deliveries_not_before_delivery_id"),
        "deliveries",
        ["not_before", "delivery_id"],
        unique=False,
        sqlite_where=PENDING_ONLY,
        postgresql_where=PENDING_ONLY,
    )
    op.create_index(
        op.f("ix_deliveries_chat_id_state"), "deliveries", ["chat_id", "state"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_deliveries_chat_id_state"), table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_not_before_delivery_id"), table_name="deliveries")
