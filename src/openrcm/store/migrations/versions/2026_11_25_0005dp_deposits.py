"""deposits: 835 payments and bank deposits; work items resolved with a note; longer account names

`remit_payment` records each 835 payment posted (BPR02, TRN02, payer, date) and
`bank_deposit` each bank deposit imported, with the payment it matched (deposit
reconciliation). `remit_work_item` gains `resolved_at` and `resolution_note`.
`journal_leg.account` grows to 255 characters, since account names now percent-encode any
party id a practice uses, and `journal_leg` loses its foreign keys to `journal_entry` and
`tenant`: legs are written only with their entry (which keeps its key to `tenant`), in one
transaction, and entries are never deleted, while the per-row checks cost more than the rest
of posting an 835 (see `store.ledger_tables`).

Revision ID: 0005dp
Revises: 0004fu
Create Date: 2026-11-25 09:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005dp"
down_revision: str | Sequence[str] | None = "0004fu"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "remit_payment": [("tenant_id", "trace_number")],
    "bank_deposit": [("tenant_id", "check_id")],
}


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
    )


def _money() -> sa.Numeric:  # type: ignore[type-arg]
    return sa.Numeric(precision=14, scale=2)


LEG_TO_ENTRY = "fk_journal_leg_tenant_id_entry_id_journal_entry"
LEG_TO_TENANT = "fk_journal_leg_tenant_id_tenant"


def upgrade() -> None:
    with op.batch_alter_table("journal_leg") as batch:
        batch.drop_constraint(op.f(LEG_TO_ENTRY), type_="foreignkey")
        batch.drop_constraint(op.f(LEG_TO_TENANT), type_="foreignkey")
        batch.alter_column(
            "account",
            existing_type=sa.String(length=100),
            type_=sa.String(length=255),
            existing_nullable=False,
        )
    with op.batch_alter_table("remit_work_item") as batch:
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolution_note", sa.String(length=200), nullable=True))
    op.create_table(
        "remit_payment",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("check_id", sa.String(length=160), nullable=False),
        sa.Column("trace_number", sa.String(length=80), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("payer_name", sa.String(length=60), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("payment_method", sa.String(length=3), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("remit_payment"),
        sa.PrimaryKeyConstraint("tenant_id", "check_id", name=op.f("pk_remit_payment")),
    )
    op.create_table(
        "bank_deposit",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("deposit_date", sa.Date(), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("check_id", sa.String(length=160), nullable=True),
        sa.Column("match_kind", sa.String(length=30), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant("bank_deposit"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_bank_deposit")),
    )
    for table, indexes in INDEXES.items():
        for columns in indexes:
            op.create_index(
                op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False
            )


def downgrade() -> None:
    for table in ("bank_deposit", "remit_payment"):
        for columns in INDEXES[table]:
            op.drop_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("remit_work_item") as batch:
        batch.drop_column("resolution_note")
        batch.drop_column("resolved_at")
    with op.batch_alter_table("journal_leg") as batch:
        batch.alter_column(
            "account",
            existing_type=sa.String(length=255),
            type_=sa.String(length=100),
            existing_nullable=False,
        )
        batch.create_foreign_key(op.f(LEG_TO_TENANT), "tenant", ["tenant_id"], ["id"])
        batch.create_foreign_key(
            op.f(LEG_TO_ENTRY),
            "journal_entry",
            ["tenant_id", "entry_id"],
            ["tenant_id", "id"],
            ondelete="CASCADE",
        )
