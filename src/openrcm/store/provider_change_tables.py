"""Provider changes on file: a new tax id, address, name or taxonomy effective on a date.

`ProviderChangeRow` keeps each `domain.provider_change.ProviderChange` recorded for one of
the tenant's providers, inserted only: the provider row stays as the provider was first
enrolled and the changes lay over it by date (`domain.provider_change.provider_on`), so a
claim for a visit before a change keeps the old data. `SqlProviderChangeRepository` maps
them for one tenant in the session of a unit of work.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.domain.provider_change import ProviderChange
from openrcm.store.address_mapping import address_columns, address_from
from openrcm.store.column_types import UtcDateTime
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import AddressColumns, Base, RowNumber

CHUNK = 500


class ProviderChangeRow(AddressColumns, Base):
    """One change of a provider's enrolment data from a date; inserted only.

    A null column is a field the change leaves alone (`address_line1` null: no new address).
    """

    __tablename__ = "provider_change"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "provider_id"], ["provider.tenant_id", "provider.id"]),
        Index(None, "tenant_id", "provider_id", "effective_date"),
    )

    id: Mapped[int] = mapped_column(RowNumber, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(63), ForeignKey("tenant.id"))
    provider_id: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[date] = mapped_column(Date)
    tin: Mapped[str | None] = mapped_column(String(9))  # REF*EI / REF*SY
    name: Mapped[str | None] = mapped_column(String(60))  # NM103
    taxonomy: Mapped[str | None] = mapped_column(String(10))  # PRV03
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class RecordedChange:
    """A stored provider change and when it was recorded."""

    change: ProviderChange
    recorded_at: datetime


class SqlProviderChangeRepository(TenantScoped):
    """The current tenant's provider changes."""

    def add(self, change: ProviderChange, *, recorded_at: datetime | None = None) -> None:
        """Store a change; `MissingReference` when the tenant has no such provider."""
        with self._writing(f"change of provider {change.provider_id}"):
            self.session.add(
                ProviderChangeRow(
                    tenant_id=self.tenant_id,
                    provider_id=change.provider_id,
                    effective_date=change.effective_date,
                    tin=change.tin,
                    name=change.name,
                    taxonomy=change.taxonomy,
                    recorded_at=recorded_at or datetime.now(UTC),
                    **address_columns(change.address),
                )
            )

    def history(self, provider_id: str) -> builtins.list[RecordedChange]:
        """One provider's changes in force order: by effective date, then as recorded."""
        statement = (
            select(ProviderChangeRow)
            .where(
                ProviderChangeRow.tenant_id == self.tenant_id,
                ProviderChangeRow.provider_id == provider_id,
            )
            .order_by(ProviderChangeRow.effective_date, ProviderChangeRow.id)
        )
        return [
            RecordedChange(_change(row), row.recorded_at) for row in self.session.scalars(statement)
        ]

    def for_providers(self, provider_ids: Iterable[str]) -> builtins.list[ProviderChange]:
        """Every change of these providers, by effective date, then as recorded."""
        ids = sorted(set(provider_ids))
        rows: builtins.list[ProviderChangeRow] = []
        for start in range(0, len(ids), CHUNK):
            statement = select(ProviderChangeRow).where(
                ProviderChangeRow.tenant_id == self.tenant_id,
                ProviderChangeRow.provider_id.in_(ids[start : start + CHUNK]),
            )
            rows.extend(self.session.scalars(statement))
        rows.sort(key=lambda row: (row.effective_date, row.id))
        return [_change(row) for row in rows]


def _change(row: ProviderChangeRow) -> ProviderChange:
    return ProviderChange(
        provider_id=row.provider_id,
        effective_date=row.effective_date,
        tin=row.tin,
        address=address_from(row),
        name=row.name,
        taxonomy=row.taxonomy,
    )
