"""Claim building storage: the charge master, encounter billing details, built claims, 837 batches.

`ChargeRateRow` keeps each charge master rate (code, component, effective date) with its
revenue code and NDC; a rate change is a row with a later date, so earlier claims keep their
charge. `EncounterBillingRow` holds an encounter's `billing.EncounterDetails` as JSON
(referring and supervising providers, onset, the hospital stay). `BilledEncounterRow`
links each claim built to the encounter and coverage priority it bills, numbered in a
tenant-wide sequence that gives the claims their control numbers, so building the same
encounter again builds nothing. `ClaimBatchRow` records each 837 file written: its
interchange control number (ISA13, unique per tenant), payer, kind and claims.
`SqlBillingRepository` maps them for one tenant in the session of a unit of work.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from openrcm.billing.charge_master import ChargeMaster, ChargeRate
from openrcm.billing.details import EncounterDetails
from openrcm.store.column_types import Amount, UtcDateTime
from openrcm.store.repository import TenantScoped
from openrcm.store.tables import Base, _tenant_id

CHUNK = 500


class ChargeRateRow(Base):
    """One charge master rate from its effective date."""

    __tablename__ = "charge_rate"

    tenant_id: Mapped[str] = _tenant_id()
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    modifier: Mapped[str] = mapped_column(String(2), primary_key=True)  # '', 26, TC
    effective_date: Mapped[date] = mapped_column(Date, primary_key=True)
    charge_amount: Mapped[Decimal] = mapped_column(Amount(14, 2))
    revenue_code: Mapped[str | None] = mapped_column(String(4))
    ndc: Mapped[str | None] = mapped_column(String(11))
    ndc_quantity: Mapped[Decimal | None] = mapped_column(Amount(10, 3))
    ndc_unit: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the imported file
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EncounterBillingRow(Base):
    """An encounter's billing details (`billing.EncounterDetails` as JSON)."""

    __tablename__ = "encounter_billing"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "encounter_id"],
            ["encounter.tenant_id", "encounter.id"],
            ondelete="CASCADE",
        ),
    )

    tenant_id: Mapped[str] = _tenant_id()
    encounter_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BilledEncounterRow(Base):
    """A claim built from an encounter for one coverage priority."""

    __tablename__ = "billed_encounter"
    __table_args__ = (
        UniqueConstraint("tenant_id", "sequence"),
        ForeignKeyConstraint(
            ["tenant_id", "encounter_id"], ["encounter.tenant_id", "encounter.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "claim_id"], ["claim.tenant_id", "claim.id"]),
        Index(None, "tenant_id", "encounter_id"),
    )

    tenant_id: Mapped[str] = _tenant_id()
    claim_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    encounter_id: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(1))  # P, S, T
    frequency_code: Mapped[str] = mapped_column(String(1))  # 1, 7, 8
    sequence: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ClaimBatchRow(Base):
    """One 837 file written: its ISA13, the payer and kind of its claims, and the claims."""

    __tablename__ = "claim_batch"

    tenant_id: Mapped[str] = _tenant_id()
    interchange_control_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # professional | institutional
    payer_id: Mapped[str] = mapped_column(String(80))
    claim_count: Mapped[int] = mapped_column(Integer)
    total_charge_amount: Mapped[Decimal] = mapped_column(Amount(14, 2))
    file_name: Mapped[str] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64))
    claims: Mapped[list[str]] = mapped_column(JSON)  # patient control numbers (CLM01)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class RateImport:
    """What storing a set of rates did."""

    added: int
    changed: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class BilledEncounter:
    claim_id: str
    encounter_id: str
    priority: str
    frequency_code: str
    sequence: int


@dataclass(frozen=True, slots=True)
class ClaimBatch:
    interchange_control_number: int
    kind: str
    payer_id: str
    claim_count: int
    total_charge_amount: Decimal
    file_name: str
    content_sha256: str
    claims: tuple[str, ...]
    created_at: datetime


class SqlBillingRepository(TenantScoped):
    """The current tenant's charge master, encounter details, built claims and batches."""

    # -- charge master ----------------------------------------------------------------

    def add_rates(self, rates: Iterable[ChargeRate], *, source: str | None = None) -> RateImport:
        """Store rates; a rate for a code, component and date already on file is replaced
        when it differs. The same rates twice change nothing."""
        wanted = {(*rate.key, rate.effective_date): rate for rate in rates}
        existing = {
            (row.code, row.modifier, row.effective_date): row
            for row in self.session.scalars(
                select(ChargeRateRow).where(ChargeRateRow.tenant_id == self.tenant_id)
            )
        }
        now = datetime.now(UTC)
        added = changed = unchanged = 0
        with self._writing("the charge master"):
            for key, rate in wanted.items():
                columns = _rate_columns(rate)
                row = existing.get(key)
                if row is None:
                    self.session.add(
                        ChargeRateRow(
                            tenant_id=self.tenant_id, source=source, recorded_at=now, **columns
                        )
                    )
                    added += 1
                elif any(getattr(row, name) != value for name, value in columns.items()):
                    for name, value in columns.items():
                        setattr(row, name, value)
                    row.source, row.recorded_at = source, now
                    changed += 1
                else:
                    unchanged += 1
        return RateImport(added, changed, unchanged)

    def charge_master(self) -> ChargeMaster:
        """Every rate of the tenant's charge master."""
        rows = self.session.scalars(
            select(ChargeRateRow).where(ChargeRateRow.tenant_id == self.tenant_id)
        )
        return ChargeMaster(_rate(row) for row in rows)

    # -- encounter details ------------------------------------------------------------

    def put_details(self, details: EncounterDetails) -> None:
        """Store (or replace) an encounter's billing details."""
        row = self.session.get(EncounterBillingRow, (self.tenant_id, details.encounter_id))
        with self._writing(f"billing details of encounter {details.encounter_id}"):
            if row is None:
                self.session.add(
                    EncounterBillingRow(
                        tenant_id=self.tenant_id,
                        encounter_id=details.encounter_id,
                        document=details.model_dump_json(),
                        updated_at=datetime.now(UTC),
                    )
                )
            else:
                row.document = details.model_dump_json()
                row.updated_at = datetime.now(UTC)

    def details(self, encounter_ids: Iterable[str]) -> dict[str, EncounterDetails]:
        """The billing details of those encounters that have some."""
        found: dict[str, EncounterDetails] = {}
        for chunk in _chunks(sorted(set(encounter_ids))):
            statement = select(EncounterBillingRow).where(
                EncounterBillingRow.tenant_id == self.tenant_id,
                EncounterBillingRow.encounter_id.in_(chunk),
            )
            for row in self.session.scalars(statement):
                found[row.encounter_id] = EncounterDetails.model_validate_json(row.document)
        return found

    # -- built claims -----------------------------------------------------------------

    def billed(self, encounter_ids: Iterable[str]) -> builtins.list[BilledEncounter]:
        """The claims built from these encounters, in build order."""
        found: builtins.list[BilledEncounter] = []
        for chunk in _chunks(sorted(set(encounter_ids))):
            statement = select(BilledEncounterRow).where(
                BilledEncounterRow.tenant_id == self.tenant_id,
                BilledEncounterRow.encounter_id.in_(chunk),
            )
            found.extend(_billed(row) for row in self.session.scalars(statement))
        return sorted(found, key=lambda b: b.sequence)

    def unbilled_encounter_ids(self, priority: str = "P") -> builtins.list[str]:
        """Encounters with no original claim for `priority` yet, by date of service."""
        from openrcm.store.tables import EncounterRow

        billed = select(BilledEncounterRow.encounter_id).where(
            BilledEncounterRow.tenant_id == self.tenant_id,
            BilledEncounterRow.priority == priority,
            BilledEncounterRow.frequency_code == "1",
        )
        statement = (
            select(EncounterRow.id)
            .where(EncounterRow.tenant_id == self.tenant_id, EncounterRow.id.not_in(billed))
            .order_by(EncounterRow.service_date, EncounterRow.id)
        )
        return builtins.list(self.session.scalars(statement))

    def next_sequence(self) -> int:
        """The next number in the tenant's claim sequence (1 for the first claim)."""
        last = self.session.scalar(
            select(func.max(BilledEncounterRow.sequence)).where(
                BilledEncounterRow.tenant_id == self.tenant_id
            )
        )
        return int(last or 0) + 1

    def add_billed(self, billed: Sequence[BilledEncounter]) -> None:
        """Record claims built (after the claims themselves are stored)."""
        now = datetime.now(UTC)
        with self._writing("a built claim"):
            for b in billed:
                self.session.add(
                    BilledEncounterRow(
                        tenant_id=self.tenant_id,
                        claim_id=b.claim_id,
                        encounter_id=b.encounter_id,
                        priority=b.priority,
                        frequency_code=b.frequency_code,
                        sequence=b.sequence,
                        built_at=now,
                    )
                )

    # -- 837 batches ------------------------------------------------------------------

    def next_interchange_number(self) -> int:
        """The next interchange control number (ISA13) for this tenant, from 1."""
        last = self.session.scalar(
            select(func.max(ClaimBatchRow.interchange_control_number)).where(
                ClaimBatchRow.tenant_id == self.tenant_id
            )
        )
        return int(last or 0) + 1

    def add_batch(self, batch: ClaimBatch) -> None:
        with self._writing(f"837 batch {batch.interchange_control_number}"):
            self.session.add(
                ClaimBatchRow(
                    tenant_id=self.tenant_id,
                    interchange_control_number=batch.interchange_control_number,
                    kind=batch.kind,
                    payer_id=batch.payer_id,
                    claim_count=batch.claim_count,
                    total_charge_amount=batch.total_charge_amount,
                    file_name=batch.file_name,
                    content_sha256=batch.content_sha256,
                    claims=list(batch.claims),
                    created_at=batch.created_at,
                )
            )

    def batches(self) -> builtins.list[ClaimBatch]:
        """Every batch written, oldest first."""
        statement = (
            select(ClaimBatchRow)
            .where(ClaimBatchRow.tenant_id == self.tenant_id)
            .order_by(ClaimBatchRow.interchange_control_number)
        )
        return [
            ClaimBatch(
                interchange_control_number=row.interchange_control_number,
                kind=row.kind,
                payer_id=row.payer_id,
                claim_count=row.claim_count,
                total_charge_amount=row.total_charge_amount,
                file_name=row.file_name,
                content_sha256=row.content_sha256,
                claims=tuple(row.claims),
                created_at=row.created_at,
            )
            for row in self.session.scalars(statement)
        ]


def _rate_columns(rate: ChargeRate) -> dict[str, object]:
    return {
        "code": rate.code,
        "modifier": rate.modifier,
        "effective_date": rate.effective_date,
        "charge_amount": rate.charge_amount,
        "revenue_code": rate.revenue_code,
        "ndc": rate.ndc,
        "ndc_quantity": rate.ndc_quantity,
        "ndc_unit": rate.ndc_unit,
    }


def _rate(row: ChargeRateRow) -> ChargeRate:
    quantity = row.ndc_quantity
    if quantity is not None and quantity == quantity.to_integral_value():
        quantity = quantity.quantize(Decimal(1))
    return ChargeRate(
        code=row.code,
        modifier=row.modifier,
        charge_amount=row.charge_amount,
        effective_date=row.effective_date,
        revenue_code=row.revenue_code,
        ndc=row.ndc,
        ndc_quantity=quantity,
        ndc_unit=row.ndc_unit,
    )


def _billed(row: BilledEncounterRow) -> BilledEncounter:
    return BilledEncounter(
        claim_id=row.claim_id,
        encounter_id=row.encounter_id,
        priority=row.priority,
        frequency_code=row.frequency_code,
        sequence=row.sequence,
    )


def _chunks(values: builtins.list[str]) -> Iterable[builtins.list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
