"""foundation: tenants, parties, payers, coverage, encounters, claims, documents

The first schema. Every table but `tenant` belongs to a tenant: `tenant_id` leads its
primary key and every foreign key into another tenant-owned table.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 08:18:53+00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money() -> sa.Numeric[Any]:
    return sa.Numeric(precision=14, scale=2)


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _tenant_key(table: str, key: str = "id", length: int = 64) -> list[Any]:
    return [
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column(key, sa.String(length=length), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", key, name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f(f"fk_{table}_tenant_id_tenant")
        ),
    ]


def _owned_by(table: str, column: str, target: str, **options: Any) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target}.tenant_id", f"{target}.id"],
        name=op.f(f"fk_{table}_tenant_id_{column}_{target}"),
        **options,
    )


def _address() -> list[sa.Column[Any]]:
    return [
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("address_city", sa.String(length=30), nullable=True),
        sa.Column("address_state", sa.String(length=2), nullable=True),
        sa.Column("address_zip_code", sa.String(length=9), nullable=True),
    ]


def _person() -> list[sa.Column[Any]]:
    return [
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=35), nullable=False),
        sa.Column("middle_name", sa.String(length=25), nullable=True),
        sa.Column("name_suffix", sa.String(length=10), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=True),
        *_address(),
    ]


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False)


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant")),
    )
    op.create_table(
        "document",
        *_tenant_key("document", key="content_sha256"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("received_at", _timestamp(), nullable=False),
    )
    op.create_table(
        "guarantor",
        *_tenant_key("guarantor"),
        *_person(),
        sa.Column("email", sa.String(length=254), nullable=True),
    )
    op.create_table(
        "location",
        *_tenant_key("location"),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=True),
        *_address(),
    )
    op.create_table(
        "payer",
        *_tenant_key("payer", length=80),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("claim_filing_indicator", sa.String(length=2), nullable=False),
        sa.Column("timely_filing_days", sa.Integer(), nullable=False),
        sa.Column("appeal_days", sa.Integer(), nullable=False),
        *_address(),
    )
    op.create_table(
        "provider",
        *_tenant_key("provider"),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("entity_type", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=35), nullable=True),
        sa.Column("taxonomy", sa.String(length=10), nullable=True),
        sa.Column("tin", sa.String(length=9), nullable=True),
        sa.Column("tin_is_ssn", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        *_address(),
        sa.UniqueConstraint("tenant_id", "npi", name=op.f("uq_provider_tenant_id_npi")),
    )
    op.create_table(
        "insurance_plan",
        *_tenant_key("insurance_plan"),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("plan_type", sa.String(length=20), nullable=False),
        sa.Column("requires_referral", sa.Boolean(), nullable=False),
        _owned_by("insurance_plan", "payer_id", "payer"),
    )
    op.create_table(
        "patient",
        *_tenant_key("patient"),
        *_person(),
        sa.Column("account_number", sa.String(length=38), nullable=True),
        sa.Column("guarantor_id", sa.String(length=64), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        _owned_by("patient", "guarantor_id", "guarantor"),
    )
    _index("patient", "tenant_id", "last_name", "first_name", "birth_date")
    op.create_table(
        "claim",
        *_tenant_key("claim"),
        sa.Column("patient_control_number", sa.String(length=38), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("total_charge_amount", _money(), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("first_service_date", sa.Date(), nullable=False),
        sa.Column("frequency_code", sa.String(length=1), nullable=False),
        sa.Column("payer_claim_control_number", sa.String(length=50), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        _owned_by("claim", "patient_id", "patient"),
        _owned_by("claim", "payer_id", "payer"),
        sa.UniqueConstraint(
            "tenant_id",
            "patient_control_number",
            name=op.f("uq_claim_tenant_id_patient_control_number"),
        ),
    )
    _index("claim", "tenant_id", "patient_id")
    _index("claim", "tenant_id", "payer_id")
    _index("claim", "tenant_id", "status")
    op.create_table(
        "coverage",
        *_tenant_key("coverage"),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=True),
        sa.Column("priority", sa.String(length=1), nullable=False),
        sa.Column("relationship", sa.String(length=2), nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.Column("group_number", sa.String(length=50), nullable=True),
        sa.Column("group_name", sa.String(length=60), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("termination_date", sa.Date(), nullable=True),
        sa.Column("subscriber", sa.JSON(), nullable=False),
        _owned_by("coverage", "patient_id", "patient"),
        _owned_by("coverage", "payer_id", "payer"),
        _owned_by("coverage", "plan_id", "insurance_plan"),
    )
    _index("coverage", "tenant_id", "member_id")
    _index("coverage", "tenant_id", "patient_id")
    op.create_table(
        "encounter",
        *_tenant_key("encounter"),
        sa.Column("patient_id", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("prior_authorization", sa.String(length=50), nullable=True),
        sa.Column("referral_number", sa.String(length=50), nullable=True),
        sa.Column("diagnoses", sa.JSON(), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
        _owned_by("encounter", "location_id", "location"),
        _owned_by("encounter", "patient_id", "patient"),
        _owned_by("encounter", "provider_id", "provider"),
    )
    _index("encounter", "tenant_id", "patient_id")
    _index("encounter", "tenant_id", "service_date")
    op.create_table(
        "claim_line",
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("procedure", sa.String(length=48), nullable=False),
        sa.Column("modifiers", sa.JSON(), nullable=False),
        sa.Column("units", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("charge_amount", _money(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        _owned_by("claim_line", "claim_id", "claim", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_claim_line_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "claim_id", "number", name=op.f("pk_claim_line")),
    )
    _index("claim_line", "tenant_id", "procedure")
    op.create_table(
        "claim_status_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=63), nullable=False),
        sa.Column("claim_id", sa.String(length=64), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("changed_at", _timestamp(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        _owned_by("claim_status_history", "claim_id", "claim", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_claim_status_history_tenant_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_status_history")),
    )
    _index("claim_status_history", "tenant_id", "claim_id")


def downgrade() -> None:
    for table, indexes in (
        ("claim_status_history", [("tenant_id", "claim_id")]),
        ("claim_line", [("tenant_id", "procedure")]),
        ("encounter", [("tenant_id", "service_date"), ("tenant_id", "patient_id")]),
        ("coverage", [("tenant_id", "patient_id"), ("tenant_id", "member_id")]),
        (
            "claim",
            [("tenant_id", "status"), ("tenant_id", "payer_id"), ("tenant_id", "patient_id")],
        ),
        ("patient", [("tenant_id", "last_name", "first_name", "birth_date")]),
        ("insurance_plan", []),
        ("provider", []),
        ("payer", []),
        ("location", []),
        ("guarantor", []),
        ("document", []),
        ("tenant", []),
    ):
        for columns in indexes:
            op.drop_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table_name=table)
        op.drop_table(table)
