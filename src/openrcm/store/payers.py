"""Payers, insurance plans and coverages: repositories mapping them to rows and back.

`find_or_add` de-duplicates by natural key for claim import: a payer by its electronic
payer id, a coverage by patient, payer and member id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openrcm.domain.party import Coverage, InsurancePlan, Payer, Person
from openrcm.store.address_mapping import address_columns, address_from
from openrcm.store.repository import SqlRepository
from openrcm.store.tables import CoverageRow, InsurancePlanRow, PayerRow


class SqlPayerRepository(SqlRepository[Payer, PayerRow]):
    """The current tenant's payers, keyed by electronic payer id (NM109 of loop 2010BB)."""

    row_type = PayerRow
    noun = "payer"

    def to_columns(self, record: Payer) -> Mapping[str, Any]:
        return {
            "id": record.id,
            "name": record.name,
            "claim_filing_indicator": record.claim_filing_indicator.value,
            "timely_filing_days": record.timely_filing_days,
            "appeal_days": record.appeal_days,
            **address_columns(record.address),
        }

    def to_record(self, row: PayerRow) -> Payer:
        return Payer(
            id=row.id,
            name=row.name,
            claim_filing_indicator=row.claim_filing_indicator,
            timely_filing_days=row.timely_filing_days,
            appeal_days=row.appeal_days,
            address=address_from(row),
        )

    def find_or_add(self, payer: Payer) -> Payer:
        """The stored payer with `payer.id`, adding `payer` when there is none."""
        return self.get(payer.id) or self.add(payer)


class SqlInsurancePlanRepository(SqlRepository[InsurancePlan, InsurancePlanRow]):
    """The current tenant's insurance plans (a payer's products)."""

    row_type = InsurancePlanRow
    noun = "insurance plan"

    def to_columns(self, record: InsurancePlan) -> Mapping[str, Any]:
        return {
            "id": record.id,
            "payer_id": record.payer_id,
            "name": record.name,
            "plan_type": record.plan_type.value,
            "requires_referral": record.requires_referral,
        }

    def to_record(self, row: InsurancePlanRow) -> InsurancePlan:
        return InsurancePlan(
            id=row.id,
            payer_id=row.payer_id,
            name=row.name,
            plan_type=row.plan_type,
            requires_referral=row.requires_referral,
        )

    def for_payer(self, payer_id: str) -> list[InsurancePlan]:
        """The payer's plans in id order."""
        statement = self._select().where(InsurancePlanRow.payer_id == payer_id)
        return self._records(statement.order_by(InsurancePlanRow.id))


class SqlCoverageRepository(SqlRepository[Coverage, CoverageRow]):
    """The current tenant's coverages: a patient's insurance with one payer."""

    row_type = CoverageRow
    noun = "coverage"

    def to_columns(self, record: Coverage) -> Mapping[str, Any]:
        return {
            "id": record.id,
            "patient_id": record.patient_id,
            "payer_id": record.payer_id,
            "plan_id": record.plan_id,
            "priority": record.priority.value,
            "relationship": record.relationship.value,
            "member_id": record.member_id,
            "group_number": record.group_number,
            "group_name": record.group_name,
            "effective_date": record.effective_date,
            "termination_date": record.termination_date,
            "subscriber": record.subscriber.model_dump(mode="json"),
        }

    def to_record(self, row: CoverageRow) -> Coverage:
        return Coverage(
            id=row.id,
            patient_id=row.patient_id,
            payer_id=row.payer_id,
            plan_id=row.plan_id,
            priority=row.priority,
            subscriber=Person.model_validate(row.subscriber),
            relationship=row.relationship,
            member_id=row.member_id,
            group_number=row.group_number,
            group_name=row.group_name,
            effective_date=row.effective_date,
            termination_date=row.termination_date,
        )

    def for_patient(self, patient_id: str) -> list[Coverage]:
        """The patient's coverages, primary first, then by effective date."""
        statement = self._select().where(CoverageRow.patient_id == patient_id)
        coverages = self._records(statement.order_by(CoverageRow.id))
        return sorted(coverages, key=lambda c: (c.priority.rank, c.effective_date, c.id))

    def find_or_add(self, coverage: Coverage) -> Coverage:
        """The stored coverage of the same patient, payer and member id, or `coverage` added."""
        statement = self._select().where(
            CoverageRow.patient_id == coverage.patient_id,
            CoverageRow.payer_id == coverage.payer_id,
            CoverageRow.member_id == coverage.member_id,
        )
        found = self._records(statement.order_by(CoverageRow.id).limit(1))
        return found[0] if found else self.add(coverage)
