"""The queue index carries the incident id, so PostgreSQL reads the open queue, in next-due
order, from the index alone (SQLite's indexes always carry it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_incidents_queue", table_name="incidents")
    op.create_index("ix_incidents_queue", "incidents", ["is_open", "next_due_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_incidents_queue", table_name="incidents")
    op.create_index("ix_incidents_queue", "incidents", ["is_open", "next_due_at"])
