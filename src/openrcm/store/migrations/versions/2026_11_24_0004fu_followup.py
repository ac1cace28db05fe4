"""follow-up: eligibility checks, authorisations, claim status events, denial cases

Tables for `openrcm.store.followup_tables`: `eligibility_check` (each 271 benefits summary
with the day it was checked), `authorization` and `authorization_use` (prior
authorisations and referrals, and the claim lines that used their units),
`claim_status_event` (276 sent, 277/277CA received; inserted only), `denial_case` (the
denial work queue with states and outcomes) and `denial_action` (what was done; inserted
only).

Revision ID: 0004fu
Revises: 0003pa
Create Date: 2026-11-24 16:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004fu"
down_revision: str | Sequence[str] | None = "0003pa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "eligibility_check",
    "authorization",
    "authorization_use",
    "claim_status_event",
    "denial_case",
    "denial_action",
)
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "eligibility_check": [("tenant_id", "patient_id"), ("tenant_id", "service_date")],
    "authorization": [("tenant_id", "patient_id")],
    "claim_status_event": [("tenant_id", "claim"), ("tenant_id", "kind", "event_date")],
    "denial_case": [("tenant_id", "state"), ("tenant_id", "claim")],
    "denial_action": [("tenant_id", "case_id")],
}


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
    )


def _tenant_column() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("tenant_id", sa.String(length=63), nullable=False)


def _row_number() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=True,
        nullable=False,
    )


def _money(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(precision=14, scale=2), nullable=nullable)


def _stamp(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "eligibility_check",
        _tenant_column(),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("coverage_id", sa.String(length=64), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        _stamp("checked_at"),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("trace_number", sa.String(length=50), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        _tenant("eligibility_check"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_eligibility_check")),
    )
    op.create_table(
        "authorization",
        _tenant_column(),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("procedure_codes", sa.JSON(), nullable=False),
        sa.Column("units_authorized", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        _stamp("created_at"),
        _tenant("authorization"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_authorization")),
        sa.UniqueConstraint(
            "tenant_id",
            "payer_id",
            "kind",
            "number",
            name=op.f("uq_authorization_tenant_id_payer_id_kind_number"),
        ),
    )
    op.create_table(
        "authorization_use",
        _tenant_column(),
        sa.Column("authorization_id", sa.String(length=64), nullable=False),
        sa.Column("claim", sa.String(length=38), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        _stamp("used_at"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "authorization_id"],
            ["authorization.tenant_id", "authorization.id"],
            name=op.f("fk_authorization_use_tenant_id_authorization_id_authorization"),
            ondelete="CASCADE",
        ),
        _tenant("authorization_use"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "authorization_id", "claim", "line", name=op.f("pk_authorization_use")
        ),
    )
    op.create_table(
        "claim_status_event",
        _row_number(),
        _tenant_column(),
        sa.Column("claim", sa.String(length=38), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("trace_number", sa.String(length=50), nullable=True),
        sa.Column("category", sa.String(length=3), nullable=True),
        sa.Column("status_code", sa.String(length=5), nullable=True),
        sa.Column("entity", sa.String(length=3), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        _stamp("created_at"),
        _tenant("claim_status_event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_status_event")),
    )
    op.create_table(
        "denial_case",
        _tenant_column(),
        sa.Column("id", sa.String(length=240), nullable=False),
        sa.Column("claim", sa.String(length=38), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        _money("denied_amount"),
        sa.Column("denial_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        _money("recovered_amount", nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        _tenant("denial_case"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_denial_case")),
    )
    op.create_table(
        "denial_action",
        _row_number(),
        _tenant_column(),
        sa.Column("case_id", sa.String(length=240), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        _stamp("acted_at"),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["denial_case.tenant_id", "denial_case.id"],
            name=op.f("fk_denial_action_tenant_id_case_id_denial_case"),
            ondelete="CASCADE",
        ),
        _tenant("denial_action"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial_action")),
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
