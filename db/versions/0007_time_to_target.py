"""Each answered clock keeps its time to target, and the severity changes have an index of
their own: a compliance report over a whole database reads neither every clock's start and
answer nor every event.

The column starts empty; the desk that migrates recomputes every clock, which fills it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEVERITY_CHANGED = sa.text("kind = 'severity changed'")


def upgrade() -> None:
    op.add_column("target_clocks", sa.Column("taken_seconds", sa.Float(), nullable=True))
    op.create_index("ix_incident_events_severity_changed", "incident_events", ["incident_id"],
                    sqlite_where=_SEVERITY_CHANGED, postgresql_where=_SEVERITY_CHANGED)


def downgrade() -> None:
    op.drop_index("ix_incident_events_severity_changed", table_name="incident_events")
    with op.batch_alter_table("target_clocks") as batch:
        batch.drop_column("taken_seconds")
