"""An index of the incidents by when they were reported: a compliance report reads one
period's incidents without reading every incident of the database.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incidents_reported_at", "incidents", ["reported_at"])


def downgrade() -> None:
    op.drop_index("ix_incidents_reported_at", table_name="incidents")
