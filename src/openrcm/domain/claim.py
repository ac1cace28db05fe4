"""Claims: professional (837P / CMS-1500) and institutional (837I / UB-04), with their lines.

A `Claim` is self-contained, as an 837 claim is: it carries the billing provider,
subscriber, patient, payer and the other payers for coordination of benefits, so the
scrubber, the X12 writer and the payer engine need nothing else to work on it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, NewType

from pydantic import BeforeValidator, Field, PlainSerializer, field_validator, model_validator

from openrcm.domain.base import Record
from openrcm.domain.claim_state import ClaimStatus, transition
from openrcm.domain.money import ZERO, Money, refuse_float
from openrcm.domain.party import Coverage, Patient, Payer, Person, Provider, Relationship

ClaimId = NewType("ClaimId", str)

Units = Annotated[
    Decimal,
    BeforeValidator(refuse_float),
    Field(gt=0, max_digits=10, decimal_places=3),
    PlainSerializer(lambda u: format(u.normalize(), "f"), return_type=str, when_used="json"),
]
"""Service units or minutes: positive, at most three decimal places (SV104 / SV205)."""


class ClaimKind(StrEnum):
    PROFESSIONAL = "professional"  # 837P, CMS-1500
    INSTITUTIONAL = "institutional"  # 837I, UB-04


class DiagnosisKind(StrEnum):
    """HI qualifiers: ABK principal (ICD-10-CM), ABF other, ABJ admitting, APR reason for visit."""

    PRINCIPAL = "ABK"
    OTHER = "ABF"
    ADMITTING = "ABJ"
    REASON_FOR_VISIT = "APR"
    EXTERNAL_CAUSE = "ABN"


class Diagnosis(Record):
    """An ICD-10-CM code on a claim, stored without the dot as X12 carries it."""

    code: str = Field(pattern=r"^[A-Z][0-9][0-9A-Z]{1,5}$")
    kind: DiagnosisKind = DiagnosisKind.OTHER
    present_on_admission: str | None = Field(default=None, pattern=r"^[YNUW1]$")  # HI0x-9

    @field_validator("code", mode="before")
    @classmethod
    def _undotted(cls, value: object) -> object:
        return value.replace(".", "").strip().upper() if isinstance(value, str) else value

    @property
    def dotted(self) -> str:
        """The code as people write it, with the dot after the category: E11.40."""
        return self.code if len(self.code) <= 3 else f"{self.code[:3]}.{self.code[3:]}"


class Adjustment(Record):
    """One CAS adjustment: group code, CARC and amount (and quantity)."""

    group: str = Field(pattern=r"^(CO|PR|OA|PI|CR)$")  # CAS01
    reason: str = Field(min_length=1, max_length=5)  # CAS02: CARC, Claim Adjustment Reason Code
    amount: Money  # CAS03
    quantity: Decimal | None = None  # CAS04


class LineAdjudication(Record):
    """An earlier payer's decision on one line (837 loop 2430), for coordination of benefits."""

    payer_id: str  # SVD01
    paid_amount: Money  # SVD02
    procedure: str  # SVD03-2
    modifiers: tuple[str, ...] = ()
    units: Units = Decimal(1)  # SVD05
    adjustments: tuple[Adjustment, ...] = ()
    adjudication_date: date  # DTP*573


class OtherPayer(Record):
    """Another payer on the claim (837 loops 2320/2330): who it is and what it decided."""

    payer: Payer
    subscriber: Person
    member_id: str
    priority: str = Field(pattern=r"^[PSTABCDEFGHU]$")  # SBR01
    relationship: Relationship = Relationship.SELF
    group_number: str | None = None
    paid_amount: Money | None = None  # AMT*D
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    adjudication_date: date | None = None
    payer_claim_control_number: str | None = None


class ServiceLine(Record):
    """One billed service (837P loop 2400 SV1, or 837I SV2 with a revenue code)."""

    number: int = Field(ge=1, le=999)  # LX01
    procedure: str = Field(min_length=1, max_length=48)  # SV101-2: CPT or HCPCS code
    procedure_qualifier: str = "HC"  # SV101-1: HC CPT/HCPCS
    modifiers: tuple[str, ...] = Field(default=(), max_length=4)  # SV101-3..6
    charge_amount: Money = Field(ge=0)  # SV102
    units: Units = Decimal(1)  # SV104
    unit_basis: str = Field(default="UN", pattern=r"^(UN|MJ|DA|F2|GR|ME|ML)$")  # SV103
    service_date: date  # DTP*472
    service_date_end: date | None = None
    place_of_service: str | None = Field(default=None, pattern=r"^\d{2}$")  # SV105
    diagnosis_pointers: tuple[int, ...] = Field(default=(1,), max_length=4)  # SV107
    revenue_code: str | None = Field(default=None, pattern=r"^\d{4}$")  # SV201 (837I)
    ndc: str | None = Field(default=None, pattern=r"^\d{11}$")  # LIN03, 11 digits 5-4-2
    ndc_quantity: Decimal | None = None  # CTP04
    ndc_unit: str | None = Field(default=None, pattern=r"^(F2|GR|ME|ML|UN)$")  # CTP05-1
    rendering_provider: Provider | None = None  # 2420A, when it differs from the claim's
    prior_authorization: str | None = None
    adjudications: tuple[LineAdjudication, ...] = ()  # 2430, from earlier payers

    @field_validator("modifiers", mode="before")
    @classmethod
    def _upper_modifiers(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(str(m).strip().upper() for m in value if str(m).strip())
        return value

    @field_validator("modifiers")
    @classmethod
    def _two_characters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for modifier in value:
            if len(modifier) != 2 or not modifier.isalnum():
                raise ValueError(
                    f"{modifier!r} is not a modifier: modifiers are 2 letters or digits"
                )
        return value

    @field_validator("diagnosis_pointers")
    @classmethod
    def _pointers_in_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for pointer in value:
            if not 1 <= pointer <= 12:
                raise ValueError(f"diagnosis pointer {pointer} is outside 1-12")
        if len(set(value)) != len(value):
            raise ValueError(f"diagnosis pointers {value} repeat a diagnosis")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> ServiceLine:
        if self.service_date_end is not None and self.service_date_end < self.service_date:
            raise ValueError(
                f"line {self.number}: service ends ({self.service_date_end}) before it starts "
                f"({self.service_date})"
            )
        return self

    @property
    def last_service_date(self) -> date:
        return self.service_date_end or self.service_date


class Claim(Record):
    """A claim for one patient's services, billed to one payer."""

    id: ClaimId
    kind: ClaimKind = ClaimKind.PROFESSIONAL
    patient_control_number: str = Field(min_length=1, max_length=38)  # CLM01
    status: ClaimStatus = ClaimStatus.DRAFT
    total_charge_amount: Money = Field(ge=0)  # CLM02
    frequency_code: str = Field(default="1", pattern=r"^[1-8]$")  # CLM05-3
    payer_claim_control_number: str | None = None  # REF*F8, required for frequency 7 and 8
    place_of_service: str | None = Field(default=None, pattern=r"^\d{2}$")  # CLM05-1 (837P)
    type_of_bill: str | None = Field(default=None, pattern=r"^0?\d{3}$")  # CLM05-1+3 (837I)
    provider_signature: bool = True  # CLM06
    assignment: str = Field(default="A", pattern=r"^[ABC]$")  # CLM07
    benefits_assigned: bool = True  # CLM08
    release_of_information: str = Field(default="Y", pattern=r"^[IY]$")  # CLM09
    statement_from: date | None = None  # DTP*434 (837I)
    statement_to: date | None = None
    admission_date: date | None = None  # DTP*435
    admission_type: str | None = Field(default=None, pattern=r"^\d$")  # CL101
    admission_source: str | None = Field(default=None, pattern=r"^[0-9A-Z]$")  # CL102
    patient_status: str | None = Field(default=None, pattern=r"^\d{2}$")  # CL103
    diagnoses: tuple[Diagnosis, ...] = Field(min_length=1, max_length=25)
    lines: tuple[ServiceLine, ...] = Field(min_length=1, max_length=999)
    billing_provider: Provider
    rendering_provider: Provider | None = None  # 2310B (837P)
    referring_provider: Provider | None = None  # 2310A
    supervising_provider: Provider | None = None  # 2310D
    attending_provider: Provider | None = None  # 2310A (837I)
    operating_provider: Provider | None = None  # 2310B (837I)
    service_facility: Provider | None = None  # 2310C / 2310E
    patient: Patient
    coverage: Coverage  # the coverage this claim bills
    payer: Payer
    other_payers: tuple[OtherPayer, ...] = ()  # 2320/2330: coordination of benefits
    prior_authorization: str | None = None  # REF*G1
    referral_number: str | None = None  # REF*9F
    occurrence_codes: tuple[tuple[str, date], ...] = ()  # HI BH (837I)
    value_codes: tuple[tuple[str, Money], ...] = ()  # HI BE (837I)
    condition_codes: tuple[str, ...] = ()  # HI BG (837I)
    drg: str | None = Field(default=None, pattern=r"^\d{3}$")
    onset_date: date | None = None  # DTP*431
    note: str | None = Field(default=None, max_length=80)  # NTE

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        numbers = [line.number for line in self.lines]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"service lines must be numbered 1..{len(numbers)} in order")
        if self.kind is ClaimKind.PROFESSIONAL and len(self.diagnoses) > 12:
            raise ValueError("a professional claim carries at most 12 diagnoses")
        for line in self.lines:
            too_high = [p for p in line.diagnosis_pointers if p > len(self.diagnoses)]
            if too_high and self.kind is ClaimKind.PROFESSIONAL:
                raise ValueError(
                    f"line {line.number} points at diagnosis {too_high[0]} but the claim has "
                    f"{len(self.diagnoses)}"
                )
        if self.statement_from and self.statement_to and self.statement_to < self.statement_from:
            raise ValueError(
                f"statement period ends ({self.statement_to}) before it starts ({self.statement_from})"
            )
        first = min(line.service_date for line in self.lines)
        if self.patient.birth_date > first:
            raise ValueError(
                f"patient born {self.patient.birth_date}, after the service on {first}"
            )
        if self.frequency_code in {"7", "8"} and not self.payer_claim_control_number:
            raise ValueError(
                f"frequency code {self.frequency_code} (replacement/void) needs the payer's claim "
                "control number of the original claim"
            )
        return self

    @property
    def lines_total(self) -> Money:
        return sum((line.charge_amount for line in self.lines), ZERO)

    @property
    def first_service_date(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def last_service_date(self) -> date:
        return max(line.last_service_date for line in self.lines)

    def moved_to(self, status: ClaimStatus) -> Claim:
        """A copy of this claim in `status`; raises `IllegalTransition` for an illegal move."""
        return self.model_copy(update={"status": transition(self.status, status)})


class ProcedureEntry(Record):
    """A procedure on an encounter, before it is priced into a claim line."""

    code: str
    modifiers: tuple[str, ...] = Field(default=(), max_length=4)
    units: Units = Decimal(1)
    diagnosis_pointers: tuple[int, ...] = (1,)
    ndc: str | None = None


class Encounter(Record):
    """A visit: who was seen, where, by whom, when, and what was coded."""

    id: str
    patient_id: str
    provider_id: str
    location_id: str | None = None
    service_date: date
    place_of_service: str = Field(default="11", pattern=r"^\d{2}$")
    diagnoses: tuple[Diagnosis, ...] = ()
    procedures: tuple[ProcedureEntry, ...] = ()
    prior_authorization: str | None = None
    referral_number: str | None = None
