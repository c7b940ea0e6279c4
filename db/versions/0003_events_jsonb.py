"""PostgreSQL keeps event details as JSONB, so reading one detail does not parse the text
(a full recomputation reads a few details of every event). SQLite is unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("incident_events", "data", type_=postgresql.JSONB(),
                        existing_type=sa.JSON(), existing_nullable=False,
                        postgresql_using="data::jsonb")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("incident_events", "data", type_=sa.JSON(),
                        existing_type=postgresql.JSONB(), existing_nullable=False,
                        postgresql_using="data::json")
