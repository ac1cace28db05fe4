"""claim building: charge master, encounter billing details, built claims, 837 batches

Tables for `openrcm.store.billing_tables`: `charge_rate` (a code's charge from an effective
date, with revenue code and NDC), `encounter_billing` (an encounter's billing details as
JSON), `billed_encounter` (each claim built from an encounter, numbered in a tenant-wide
sequence) and `claim_batch` (each 837 file written, by interchange control number).

Revision ID: 0009bi
Revises: 0008cd
Create Date: 2026-11-27 12:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009bi"
down_revision: str | Sequence[str] | None = "0008cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("charge_rate", "encounter_billing", "billed_encounter", "claim_batch")
INDEXES = {"billed_encounter": [("tenant_id", "encounter_id")]}


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
    )


def _tenant_id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("tenant_id", sa.String(length=63), nullable=False)


def upgrade() -> None:
    op.create_table(
        "charge_rate",
        _tenant_id(),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("modifier", sa.String(length=2), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("charge_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("revenue_code", sa.String(length=4), nullable=True),
        sa.Column("ndc", sa.String(length=11), nullable=True),
        sa.Column("ndc_quantity", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("ndc_unit", sa.String(length=2), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("charge_rate"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "code", "modifier", "effective_date", name=op.f("pk_charge_rate")
        ),
    )
    op.create_table(
        "encounter_billing",
        _tenant_id(),
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "encounter_id"],
            ["encounter.tenant_id", "encounter.id"],
            name=op.f("fk_encounter_billing_tenant_id_encounter_id_encounter"),
            ondelete="CASCADE",
        ),
        _tenant("encounter_billing"),
        sa.PrimaryKeyConstraint("tenant_id", "encounter_id", name=op.f("pk_encounter_billing")),
    )
    op.create_table(
        "billed_encounter",
        _tenant_id(),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("encounter_id", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.String(length=1), nullable=False),
        sa.Column("frequency_code", sa.String(length=1), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "claim_id"],
            ["claim.tenant_id", "claim.id"],
            name=op.f("fk_billed_encounter_tenant_id_claim_id_claim"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "encounter_id"],
            ["encounter.tenant_id", "encounter.id"],
            name=op.f("fk_billed_encounter_tenant_id_encounter_id_encounter"),
        ),
        _tenant("billed_encounter"),
        sa.PrimaryKeyConstraint("tenant_id", "claim_id", name=op.f("pk_billed_encounter")),
        sa.UniqueConstraint(
            "tenant_id", "sequence", name=op.f("uq_billed_encounter_tenant_id_sequence")
        ),
    )
    op.create_table(
        "claim_batch",
        _tenant_id(),
        sa.Column("interchange_control_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("total_charge_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("claim_batch"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "interchange_control_number", name=op.f("pk_claim_batch")
        ),
    )
    for table in TABLES:
        for columns in INDEXES.get(table, []):
            op.create_index(
                op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        for columns in INDEXES.get(table, []):
            op.drop_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table_name=table)
        op.drop_table(table)
