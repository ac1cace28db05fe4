"""coding decisions

Table for `openrcm.store.coding_tables`: `coding_decision` (a coder's accept, reject or
replace decision on one code the coding engine suggested for a note; inserted only).

Revision ID: 0008cd
Revises: 0007pc
Create Date: 2026-11-27 09:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008cd"
down_revision: str | Sequence[str] | None = "0007pc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [("tenant_id", "note_id", "decided_at"), ("tenant_id", "decided_at")]


def upgrade() -> None:
    op.create_table(
        "coding_decision",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("note_id", sa.String(length=128), nullable=False),
        sa.Column("encounter_id", sa.String(length=64), nullable=True),
        sa.Column("system", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("replacement", sa.String(length=8), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "encounter_id"],
            ["encounter.tenant_id", "encounter.id"],
            name=op.f("fk_coding_decision_tenant_id_encounter_id_encounter"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_coding_decision_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_decision")),
    )
    for columns in INDEXES:
        op.create_index(
            op.f(f"ix_coding_decision_{'_'.join(columns)}"),
            "coding_decision",
            list(columns),
            unique=False,
        )


def downgrade() -> None:
    for columns in INDEXES:
        op.drop_index(op.f(f"ix_coding_decision_{'_'.join(columns)}"), table_name="coding_decision")
    op.drop_table("coding_decision")
