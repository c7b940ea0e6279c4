"""The first schema: vendors and their agreements, products, users, settings, incidents,
their append-only events and the cache of their SLA clocks.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool) -> sa.Column[object]:
    # deskapp.storage.models.UTCDateTime stores through this type; migrations keep to plain
    # SQLAlchemy types so they never change when the models do.
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("key", name=op.f("uq_vendors_key")),
    )
    op.create_table(
        "agreement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        _instant("loaded_at", nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"],
                                name=op.f("fk_agreement_versions_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_versions")),
        sa.UniqueConstraint("vendor_id", "digest",
                            name=op.f("uq_agreement_versions_vendor_id_digest")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"],
                                name=op.f("fk_products_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("vendor_id", "name", name=op.f("uq_products_vendor_id_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), server_default="agent", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("agreement_version_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(), nullable=False),
        sa.Column("contact", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("site_zone", sa.String(), nullable=True),
        sa.Column("site_country", sa.String(), nullable=True),
        sa.Column("vendor_ref", sa.String(), nullable=True),
        sa.Column("category", sa.String(), nullable=True),
        _instant("filing_deadline", nullable=True),
        _instant("agreed_due", nullable=True),
        sa.Column("resolution_type", sa.String(), nullable=True),
        _instant("documentation_complete_at", nullable=True),
        _instant("reported_at", nullable=False),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _instant("next_due_at", nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"],
                                name=op.f("fk_incidents_vendor_id_vendors")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_incidents_product_id_products")),
        sa.ForeignKeyConstraint(
            ["agreement_version_id"], ["agreement_versions.id"],
            name=op.f("fk_incidents_agreement_version_id_agreement_versions")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"],
                                name=op.f("fk_incidents_assignee_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("number", name=op.f("uq_incidents_number")),
    )
    op.create_index("ix_incidents_queue", "incidents", ["is_open", "next_due_at"])
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_index("ix_incidents_vendor_id", "incidents", ["vendor_id"])
    op.create_index("ix_incidents_assignee_id", "incidents", ["assignee_id"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        _instant("at", nullable=False),
        _instant("recorded_at", nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE",
                                name=op.f("fk_incident_events_incident_id_incidents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
        # Its index also serves reading a timeline in order.
        sa.UniqueConstraint("incident_id", "seq",
                            name=op.f("uq_incident_events_incident_id_seq")),
    )
    op.create_table(
        "target_clocks",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        _instant("clock_start", nullable=True),
        _instant("due_at", nullable=True),
        _instant("warning_at", nullable=True),
        _instant("met_at", nullable=True),
        _instant("paused_since", nullable=True),
        sa.Column("paused_seconds", sa.Float(), server_default=sa.text("0"), nullable=False),
        sa.Column("cycles", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], ondelete="CASCADE",
                                name=op.f("fk_target_clocks_incident_id_incidents")),
        sa.PrimaryKeyConstraint("incident_id", "metric", name=op.f("pk_target_clocks")),
    )


def downgrade() -> None:
    op.drop_table("target_clocks")
    op.drop_table("incident_events")
    op.drop_table("incidents")
    op.drop_table("settings")
    op.drop_table("users")
    op.drop_table("products")
    op.drop_table("agreement_versions")
    op.drop_table("vendors")
