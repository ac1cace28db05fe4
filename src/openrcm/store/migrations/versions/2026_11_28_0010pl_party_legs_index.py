"""journal_leg's account index holds only the legs on a party's account other than insurance A/R

`for_account` looks legs up by account for patient A/R, unapplied cash and refunds payable
(per guarantor or payer); insurance A/R and the practice-wide accounts (revenue, deposits,
adjustments) take most legs and are only ever summed. The index on (tenant_id, account)
becomes partial (`store.ledger_tables.PARTY_LEGS`), so posting an 835 maintains it for about
one leg in five; `for_account` repeats the condition so both databases use it.

Revision ID: 0010pl
Revises: 0009bi
Create Date: 2026-11-28 09:00:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010pl"
down_revision: str | Sequence[str] | None = "0009bi"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_journal_leg_tenant_id_account"
PARTY_LEGS = "account LIKE '%:%' AND account NOT LIKE 'insurance_ar:%'"  # as in ledger_tables


def upgrade() -> None:
    op.drop_index(op.f(INDEX), table_name="journal_leg")
    op.create_index(
        op.f(INDEX),
        "journal_leg",
        ["tenant_id", "account"],
        unique=False,
        postgresql_where=sa.text(PARTY_LEGS),
        sqlite_where=sa.text(PARTY_LEGS),
    )


def downgrade() -> None:
    op.drop_index(op.f(INDEX), table_name="journal_leg")
    op.create_index(op.f(INDEX), "journal_leg", ["tenant_id", "account"], unique=False)
