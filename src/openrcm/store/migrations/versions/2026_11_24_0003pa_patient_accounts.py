"""patient accounts: guarantor standing, statements, plans, collection log, refunds, inquiries

Tables for `openrcm.store.patient_account_tables`: `patient_account_policy` (the tenant's
thresholds as JSON), `guarantor_account` (dunning level, last statement, collection stage,
FDCPA flags), `patient_statement` (every statement sent, with its export), `payment_plan`,
`collection_log` (every collection action, inserted only), `refund_proposal`,
`account_inquiry` and `inquiry_task`.

Revision ID: 0003pa
Revises: 0002
Create Date: 2026-11-24 15:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003pa"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: dict[str, list[tuple[str, ...]]] = {
    "patient_statement": [("tenant_id", "guarantor_id", "statement_date")],
    "payment_plan": [("tenant_id", "guarantor_id", "status")],
    "collection_log": [("tenant_id", "debt_id"), ("tenant_id", "guarantor_id")],
    "refund_proposal": [("tenant_id", "status")],
    "account_inquiry": [("tenant_id", "guarantor_id"), ("tenant_id", "claim")],
    "inquiry_task": [("tenant_id", "due_date")],
}
TABLES = (
    "patient_account_policy",
    "guarantor_account",
    "patient_statement",
    "payment_plan",
    "collection_log",
    "refund_proposal",
    "account_inquiry",
    "inquiry_task",
)


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
    )


def _tenant_column() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("tenant_id", sa.String(length=63), nullable=False)


def _money(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(precision=14, scale=2), nullable=nullable)


def _stamp(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "patient_account_policy",
        _tenant_column(),
        sa.Column("document", sa.Text(), nullable=False),
        _stamp("updated_at"),
        _tenant("patient_account_policy"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_patient_account_policy")),
    )
    op.create_table(
        "guarantor_account",
        _tenant_column(),
        sa.Column("guarantor_id", sa.String(length=64), nullable=False),
        sa.Column("dunning_level", sa.Integer(), nullable=True),
        sa.Column("last_statement_date", sa.Date(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("debt_id", sa.String(length=80), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("verification_sent", sa.Boolean(), nullable=False),
        sa.Column("cease_communication", sa.Boolean(), nullable=False),
        sa.Column("validation_notice", sa.Text(), nullable=True),
        sa.Column("letter_on", sa.Date(), nullable=True),
        sa.Column("agency_id", sa.String(length=64), nullable=True),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        _stamp("updated_at"),
        _tenant("guarantor_account"),
        sa.PrimaryKeyConstraint("tenant_id", "guarantor_id", name=op.f("pk_guarantor_account")),
    )
    op.create_table(
        "patient_statement",
        _tenant_column(),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("guarantor_id", sa.String(length=64), nullable=False),
        sa.Column("statement_date", sa.Date(), nullable=False),
        _money("amount_due"),
        _money("insurance_pending"),
        sa.Column("dunning_level", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Boolean(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        _stamp("created_at"),
        _tenant("patient_statement"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_patient_statement")),
    )
    op.create_table(
        "payment_plan",
        _tenant_column(),
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("guarantor_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        _money("balance"),
        sa.Column("document", sa.Text(), nullable=False),
        _stamp("updated_at"),
        _tenant("payment_plan"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_payment_plan")),
    )
    op.create_table(
        "collection_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        _tenant_column(),
        sa.Column("guarantor_id", sa.String(length=64), nullable=False),
        sa.Column("debt_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        _stamp("action_at"),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        _stamp("logged_at"),
        _tenant("collection_log"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_log")),
    )
    op.create_table(
        "refund_proposal",
        _tenant_column(),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("guarantor_id", sa.String(length=64), nullable=False),
        sa.Column("claim", sa.String(length=38), nullable=True),
        sa.Column("pool", sa.String(length=80), nullable=True),
        sa.Column("patient_id", sa.String(length=64), nullable=True),
        _money("amount"),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        _tenant("refund_proposal"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_refund_proposal")),
    )
    op.create_table(
        "account_inquiry",
        _tenant_column(),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("guarantor_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        _stamp("received_at"),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("claim", sa.String(length=38), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.Column("taken_by", sa.String(length=64), nullable=True),
        _tenant("account_inquiry"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_account_inquiry")),
    )
    op.create_table(
        "inquiry_task",
        _tenant_column(),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("inquiry_id", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "inquiry_id"],
            ["account_inquiry.tenant_id", "account_inquiry.id"],
            name=op.f("fk_inquiry_task_tenant_id_inquiry_id_account_inquiry"),
        ),
        _tenant("inquiry_task"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_inquiry_task")),
    )
    for table, indexes in INDEXES.items():
        for columns in indexes:
            op.create_index(
                op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        for columns in INDEXES.get(table, []):
            op.drop_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table_name=table)
        op.drop_table(table)
