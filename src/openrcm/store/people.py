"""Patients and guarantors: repositories mapping `Patient` and `Guarantor` to rows and back.

`SqlPatientRepository.find_or_add` de-duplicates patients by their natural key (name, birth
date and, when known, an insurance member id), as claim import needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select

from openrcm.domain.party import Guarantor, Patient
from openrcm.store.address_mapping import address_columns, address_from, name_columns, name_from
from openrcm.store.repository import SqlRepository
from openrcm.store.tables import CoverageRow, GuarantorRow, PatientRow


def _person_columns(person: Patient | Guarantor) -> dict[str, Any]:
    return {
        **name_columns(person.name),
        **address_columns(person.address),
        "birth_date": person.birth_date,
        "sex": person.sex.value,
        "phone": person.phone,
    }


def _person_fields(row: PatientRow | GuarantorRow) -> dict[str, Any]:
    return {
        "name": name_from(row),
        "birth_date": row.birth_date,
        "sex": row.sex,
        "address": address_from(row),
        "phone": row.phone,
    }


class SqlPatientRepository(SqlRepository[Patient, PatientRow]):
    """The current tenant's patients."""

    row_type = PatientRow
    noun = "patient"

    def to_columns(self, record: Patient) -> Mapping[str, Any]:
        return {
            "id": record.id,
            **_person_columns(record),
            "account_number": record.account_number,
            "guarantor_id": record.guarantor_id,
            "time_zone": record.time_zone,
        }

    def to_record(self, row: PatientRow) -> Patient:
        return Patient(
            id=row.id,
            **_person_fields(row),
            account_number=row.account_number,
            guarantor_id=row.guarantor_id,
            time_zone=row.time_zone,
        )

    def find(
        self, last_name: str, first_name: str, birth_date: date, member_id: str | None = None
    ) -> list[Patient]:
        """Patients with this name (any case) and birth date; with `member_id`, only those
        holding a coverage with that member id."""
        statement = self._select().where(
            func.upper(PatientRow.last_name) == last_name.strip().upper(),
            func.upper(PatientRow.first_name) == first_name.strip().upper(),
            PatientRow.birth_date == birth_date,
        )
        if member_id is not None:
            statement = statement.where(self._has_coverage(member_id))
        return self._records(statement.order_by(PatientRow.id))

    def find_or_add(self, patient: Patient, member_id: str | None = None) -> Patient:
        """The stored patient who is `patient`, adding it when there is none.

        A stored patient matches on name (any case) and birth date, and then either holds a
        coverage with `member_id` or, failing that, holds no coverage yet. Without a
        member id, name and birth date decide. Returns the stored record, whose id may
        differ from `patient.id`.
        """
        name = patient.name
        if member_id is not None:
            found = self.find(name.last, name.first, patient.birth_date, member_id)
            if found:
                return found[0]
            uncovered = self._select().where(
                func.upper(PatientRow.last_name) == name.last.upper(),
                func.upper(PatientRow.first_name) == name.first.upper(),
                PatientRow.birth_date == patient.birth_date,
                ~self._has_coverage(None),
            )
            found = self._records(uncovered.order_by(PatientRow.id).limit(1))
        else:
            found = self.find(name.last, name.first, patient.birth_date)
        return found[0] if found else self.add(patient)

    def _has_coverage(self, member_id: str | None) -> Any:
        condition = select(CoverageRow.id).where(
            CoverageRow.tenant_id == PatientRow.tenant_id,
            CoverageRow.patient_id == PatientRow.id,
        )
        if member_id is not None:
            condition = condition.where(CoverageRow.member_id == member_id)
        return exists(condition)


class SqlGuarantorRepository(SqlRepository[Guarantor, GuarantorRow]):
    """The current tenant's guarantors: who is billed for a patient's share."""

    row_type = GuarantorRow
    noun = "guarantor"

    def to_columns(self, record: Guarantor) -> Mapping[str, Any]:
        return {"id": record.id, **_person_columns(record), "email": record.email}

    def to_record(self, row: GuarantorRow) -> Guarantor:
        return Guarantor(id=row.id, **_person_fields(row), email=row.email)
