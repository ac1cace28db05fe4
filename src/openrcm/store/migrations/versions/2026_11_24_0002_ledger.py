"""ledger: journal entries, their legs, and the remittance work queue

Tables for `openrcm.store.ledger_tables`: `journal_entry` (inserted only; corrections are new
entries), `journal_leg` (signed amounts per account, NUMERIC(14,2)) and `remit_work_item`
(exceptions, denials, discrepancies and secondary claims from 835 posting).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:40:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: dict[str, list[tuple[str, ...]]] = {
    "journal_entry": [
        ("tenant_id", "claim"),
        ("tenant_id", "check_id"),
        ("tenant_id", "payer_claim_number"),
        ("tenant_id", "entry_date"),
    ],
    "journal_leg": [("tenant_id", "account")],
    "remit_work_item": [("tenant_id", "kind", "resolved"), ("tenant_id", "claim")],
}


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
    )


def upgrade() -> None:
    op.create_table(
        "journal_entry",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("claim", sa.String(length=38), nullable=True),
        sa.Column("patient_id", sa.String(length=64), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.Column("check_id", sa.String(length=160), nullable=True),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=True),
        sa.Column("adjudication_status", sa.String(length=2), nullable=True),
        sa.Column("reverses", sa.String(length=160), nullable=True),
        sa.Column("memo", sa.String(length=200), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("journal_entry"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_journal_entry")),
    )
    op.create_table(
        "journal_leg",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("entry_id", sa.String(length=160), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "entry_id"],
            ["journal_entry.tenant_id", "journal_entry.id"],
            name=op.f("fk_journal_leg_tenant_id_entry_id_journal_entry"),
            ondelete="CASCADE",
        ),
        _tenant("journal_leg"),
        sa.PrimaryKeyConstraint("tenant_id", "entry_id", "position", name=op.f("pk_journal_leg")),
    )
    op.create_table(
        "remit_work_item",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("check_id", sa.String(length=160), nullable=False),
        sa.Column("claim", sa.String(length=38), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        _tenant("remit_work_item"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_remit_work_item")),
    )
    for table, indexes in INDEXES.items():
        for columns in indexes:
            op.create_index(
                op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False
            )


def downgrade() -> None:
    for table in ("remit_work_item", "journal_leg", "journal_entry"):
        for columns in INDEXES[table]:
            op.drop_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table_name=table)
        op.drop_table(table)
