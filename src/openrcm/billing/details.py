"""What a claim needs beyond the coded encounter: who referred and supervised, the onset of
the illness, a note, and for a hospital stay the UB-04 data.

`EncounterDetails` sits beside an `Encounter` (same id) and is optional: an office visit
needs none. `InstitutionalStay` is a facility's account of a visit or an admission: the
type of bill digits, admission and discharge, admission type and source, patient status,
attending and operating physicians, ICD-10-PCS procedures (for the MS-DRG), the accommodation
revenue code for room and board, and the occurrence, value and condition codes.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from openrcm.domain.base import Record
from openrcm.domain.money import Money


class Setting(StrEnum):
    INPATIENT = "inpatient"  # type of bill 011x: DRG, room and board
    OUTPATIENT = "outpatient"  # 013x: lines by HCPCS


class IcdProcedure(Record):
    """An ICD-10-PCS procedure performed during an inpatient stay (837I HI BBR/BBQ)."""

    code: str = Field(pattern=r"^[0-9A-HJ-NP-Z]{7}$")
    procedure_date: date


class InstitutionalStay(Record):
    """The facility's account of an encounter, as a UB-04 / 837I needs it."""

    setting: Setting = Setting.OUTPATIENT
    facility_type: str = Field(default="1", pattern=r"^[1-8]$")  # TOB digit 2: 1 hospital
    bill_classification: str | None = Field(default=None, pattern=r"^[1-9]$")  # TOB digit 3
    admission_date: date | None = None  # DTP*435, FL 12
    admission_hour: int | None = Field(default=None, ge=0, le=23)
    admission_type: str | None = Field(default=None, pattern=r"^[1-59]$")  # CL101, FL 14
    admission_source: str | None = Field(default=None, pattern=r"^[0-9A-Z]$")  # CL102, FL 15
    discharge_date: date | None = None  # statement through, FL 6
    patient_status: str = Field(default="01", pattern=r"^\d{2}$")  # CL103, FL 17
    attending_provider_id: str | None = None
    operating_provider_id: str | None = None
    admitting_diagnosis: str | None = Field(default=None, pattern=r"^[A-Z][0-9][0-9A-Z.]{1,6}$")
    icd_procedures: tuple[IcdProcedure, ...] = ()
    accommodation_revenue_code: str = Field(default="0120", pattern=r"^(01\d\d|02[01]\d)$")
    occurrence_codes: tuple[tuple[str, date], ...] = ()  # HI BH, FL 31-34
    value_codes: tuple[tuple[str, Money], ...] = ()  # HI BE, FL 39-41
    condition_codes: tuple[str, ...] = ()  # HI BG, FL 18-28

    @model_validator(mode="after")
    def _consistent(self) -> InstitutionalStay:
        if self.setting is Setting.INPATIENT and self.admission_date is None:
            raise ValueError("an inpatient stay needs its admission date")
        if (
            self.admission_date is not None
            and self.discharge_date is not None
            and self.discharge_date < self.admission_date
        ):
            raise ValueError(
                f"discharge ({self.discharge_date}) before admission ({self.admission_date})"
            )
        return self

    @property
    def classification(self) -> str:
        """TOB digit 3: the given one, else 1 (inpatient Part A) or 3 (outpatient)."""
        if self.bill_classification:
            return self.bill_classification
        return "1" if self.setting is Setting.INPATIENT else "3"

    @property
    def days(self) -> int:
        """Accommodation days: discharge day not counted, a same-day stay counts one."""
        if self.admission_date is None:
            return 0
        end = self.discharge_date or self.admission_date
        return max(1, (end - self.admission_date).days)


class EncounterDetails(Record):
    """Billing data kept beside an encounter (same id)."""

    encounter_id: str
    referring_provider_id: str | None = None  # 2310A DN
    supervising_provider_id: str | None = None  # 2310D DQ
    onset_date: date | None = None  # DTP*431
    note: str | None = Field(default=None, max_length=80)  # NTE
    institutional: InstitutionalStay | None = None
