"""provider changes and stored scrub results

Tables for `openrcm.store.provider_change_tables` and `openrcm.store.scrub_tables`:
`provider_change` (a new tax id, address, name or taxonomy for a provider from a date;
inserted only) and `scrub_result` (each scrub of a stored claim: counts by severity and the
findings as JSON; inserted only).

Revision ID: 0007pc
Revises: 0006au
Create Date: 2026-11-26 09:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007pc"
down_revision: str | Sequence[str] | None = "0006au"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("provider_change", "scrub_result")
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "provider_change": [("tenant_id", "provider_id", "effective_date")],
    "scrub_result": [
        ("tenant_id", "patient_control_number", "scrubbed_at"),
        ("tenant_id", "claim_id"),
    ],
}


def _tenant(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
    )


def _row_number() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=True,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "provider_change",
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("address_city", sa.String(length=30), nullable=True),
        sa.Column("address_state", sa.String(length=2), nullable=True),
        sa.Column("address_zip_code", sa.String(length=9), nullable=True),
        _row_number(),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("tin", sa.String(length=9), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=True),
        sa.Column("taxonomy", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "provider_id"],
            ["provider.tenant_id", "provider.id"],
            name=op.f("fk_provider_change_tenant_id_provider_id_provider"),
        ),
        _tenant("provider_change"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_change")),
    )
    op.create_table(
        "scrub_result",
        _row_number(),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("patient_control_number", sa.String(length=38), nullable=False),
        sa.Column("scrubbed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("info_count", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "claim_id"],
            ["claim.tenant_id", "claim.id"],
            name=op.f("fk_scrub_result_tenant_id_claim_id_claim"),
        ),
        _tenant("scrub_result"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scrub_result")),
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
