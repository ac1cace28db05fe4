"""Encounters: a repository mapping `Encounter` (a coded visit) to a row and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openrcm.domain.claim import Diagnosis, Encounter, ProcedureEntry
from openrcm.store.repository import SqlRepository
from openrcm.store.tables import EncounterRow


class SqlEncounterRepository(SqlRepository[Encounter, EncounterRow]):
    """The current tenant's encounters; diagnoses and procedures are kept as JSON lists."""

    row_type = EncounterRow
    noun = "encounter"

    def to_columns(self, record: Encounter) -> Mapping[str, Any]:
        return {
            "id": record.id,
            "patient_id": record.patient_id,
            "provider_id": record.provider_id,
            "location_id": record.location_id,
            "service_date": record.service_date,
            "place_of_service": record.place_of_service,
            "prior_authorization": record.prior_authorization,
            "referral_number": record.referral_number,
            "diagnoses": [d.model_dump(mode="json") for d in record.diagnoses],
            "procedures": [p.model_dump(mode="json") for p in record.procedures],
        }

    def to_record(self, row: EncounterRow) -> Encounter:
        return Encounter(
            id=row.id,
            patient_id=row.patient_id,
            provider_id=row.provider_id,
            location_id=row.location_id,
            service_date=row.service_date,
            place_of_service=row.place_of_service,
            diagnoses=tuple(Diagnosis.model_validate(d) for d in row.diagnoses),
            procedures=tuple(ProcedureEntry.model_validate(p) for p in row.procedures),
            prior_authorization=row.prior_authorization,
            referral_number=row.referral_number,
        )

    def for_patient(self, patient_id: str) -> list[Encounter]:
        """The patient's encounters, oldest first."""
        statement = self._select().where(EncounterRow.patient_id == patient_id)
        return self._records(statement.order_by(EncounterRow.service_date, EncounterRow.id))
