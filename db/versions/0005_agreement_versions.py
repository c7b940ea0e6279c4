"""Agreement versions as data: a number per vendor, an effective instant, who made each and
whether deskapp shipped it or the team made it; one text may come back as a later version.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The versions stored before this revision all came from shipped files: each vendor's first
# is in force since always (so incidents logged earlier keep a version), later ones from
# when they were loaded.
_NUMBERS = """
UPDATE agreement_versions SET number = (
    SELECT count(*) FROM agreement_versions AS earlier
    WHERE earlier.vendor_id = agreement_versions.vendor_id
      AND earlier.id <= agreement_versions.id)
"""
_EFFECTIVE = "UPDATE agreement_versions SET effective_at = loaded_at WHERE number > 1"


def upgrade() -> None:
    with op.batch_alter_table("agreement_versions") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), server_default=sa.text("1"),
                                   nullable=False))
        batch.add_column(sa.Column("made_by", sa.String(), server_default="deskapp",
                                   nullable=False))
        batch.add_column(sa.Column("origin", sa.String(), server_default="shipped",
                                   nullable=False))
        batch.add_column(sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_NUMBERS)
    op.execute(_EFFECTIVE)
    since_always = ("'1970-01-01 00:00:00.000000'" if op.get_bind().dialect.name == "sqlite"
                    else "'1970-01-01 00:00:00+00'")
    op.execute(f"UPDATE agreement_versions SET effective_at = {since_always} WHERE number = 1")
    with op.batch_alter_table("agreement_versions") as batch:
        batch.drop_constraint("uq_agreement_versions_vendor_id_digest", type_="unique")
        batch.create_unique_constraint("uq_agreement_versions_vendor_id_number",
                                       ["vendor_id", "number"])


def downgrade() -> None:
    with op.batch_alter_table("agreement_versions") as batch:
        batch.drop_constraint("uq_agreement_versions_vendor_id_number", type_="unique")
        batch.create_unique_constraint("uq_agreement_versions_vendor_id_digest",
                                       ["vendor_id", "digest"])
        batch.drop_column("effective_at")
        batch.drop_column("origin")
        batch.drop_column("made_by")
        batch.drop_column("number")
