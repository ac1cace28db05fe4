"""The people and organisations on a claim: tenants, patients, guarantors, providers, payers.

Names follow the 837 loops they fill: a `Provider` is loop 2010AA (billing), 2310B
(rendering) or 2310A (referring); a `Payer` is 2010BB; a `Patient` is 2010CA or, when the
patient is the subscriber, 2010BA.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NewType

from pydantic import Field, model_validator

from openrcm.domain.base import Record
from openrcm.domain.identifiers import NPI, TIN, StateCode, ZipCode

TenantId = NewType("TenantId", str)
PatientId = NewType("PatientId", str)
ProviderId = NewType("ProviderId", str)
PayerId = NewType("PayerId", str)
CoverageId = NewType("CoverageId", str)
LocationId = NewType("LocationId", str)


class TenantKind(StrEnum):
    PRACTICE = "practice"
    BILLING_CLIENT = "billing_client"
    PAYER = "payer"


class Tenant(Record):
    """A practice or billing-company client: the owner of every stored row."""

    id: TenantId = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str = Field(min_length=1, max_length=120)
    kind: TenantKind = TenantKind.PRACTICE


class Address(Record):
    """A US postal address (N3/N4)."""

    line1: str = Field(min_length=1, max_length=55)  # N301
    line2: str | None = Field(default=None, max_length=55)  # N302
    city: str = Field(min_length=2, max_length=30)  # N401
    state: StateCode  # N402
    zip_code: ZipCode  # N403: 5 or 9 digits

    @property
    def is_po_box(self) -> bool:
        text = f"{self.line1} {self.line2 or ''}".upper().replace(".", "").replace(" ", "")
        return "POBOX" in text or "POSTOFFICEBOX" in text or text.startswith("BOX")


class Sex(StrEnum):
    """Administrative sex as the 837 DMG03 carries it."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class PersonName(Record):
    last: str = Field(min_length=1, max_length=60)  # NM103
    first: str = Field(min_length=1, max_length=35)  # NM104
    middle: str | None = Field(default=None, max_length=25)  # NM105
    suffix: str | None = Field(default=None, max_length=10)  # NM107

    def __str__(self) -> str:
        middle = f" {self.middle}" if self.middle else ""
        return f"{self.last}, {self.first}{middle}"


class Person(Record):
    """A human being on a claim: patient, subscriber or guarantor."""

    name: PersonName
    birth_date: date  # DMG02
    sex: Sex  # DMG03
    address: Address | None = None
    phone: str | None = Field(default=None, pattern=r"^\d{10}$")


class Patient(Person):
    """The person who received the care."""

    id: PatientId
    account_number: str | None = Field(default=None, max_length=38)
    guarantor_id: str | None = None  # the Guarantor who pays the patient's share
    time_zone: str = "America/New_York"  # FDCPA contact hours are in the debtor's time zone


class Guarantor(Person):
    """Who is billed for the patient's share: the patient, a parent, a spouse."""

    id: str
    email: str | None = None


class EntityType(StrEnum):
    """NM102: 1 a person, 2 an organisation."""

    PERSON = "1"
    ORGANISATION = "2"


class ProviderRole(StrEnum):
    BILLING = "billing"
    RENDERING = "rendering"
    REFERRING = "referring"
    SUPERVISING = "supervising"
    SERVICE_FACILITY = "service_facility"
    ATTENDING = "attending"
    OPERATING = "operating"
    PAY_TO = "pay_to"


class Provider(Record):
    """A provider: an individual clinician (NPI type 1) or an organisation (type 2)."""

    id: ProviderId
    npi: NPI
    entity_type: EntityType
    name: str = Field(min_length=1, max_length=60)  # NM103: last name or organisation name
    first_name: str | None = Field(default=None, max_length=35)  # NM104
    taxonomy: str | None = Field(default=None, pattern=r"^[0-9A-Z]{9}X$")  # PRV03
    tin: TIN | None = None  # REF*EI / REF*SY
    tin_is_ssn: bool = False
    address: Address | None = None
    roles: frozenset[ProviderRole] = frozenset()

    @model_validator(mode="after")
    def _a_person_has_a_first_name(self) -> Provider:
        if self.entity_type is EntityType.PERSON and not self.first_name:
            raise ValueError("an individual provider (entity type 1) needs a first name")
        if self.entity_type is EntityType.ORGANISATION and self.first_name:
            raise ValueError("an organisation (entity type 2) has no first name")
        return self

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.first_name}" if self.first_name else self.name


class ClaimFilingIndicator(StrEnum):
    """SBR09: the kind of insurance program the claim is filed with."""

    MEDICARE_B = "MB"
    MEDICARE_A = "MA"
    MEDICAID = "MC"
    COMMERCIAL = "CI"
    BLUE_CROSS = "BL"
    HMO = "HM"
    PPO = "12"
    POS = "13"
    EPO = "14"
    CHAMPUS = "CH"
    VETERANS = "VA"
    WORKERS_COMP = "WC"
    SELF_PAY = "09"
    OTHER_NON_FEDERAL = "11"
    OTHER = "ZZ"


class Payer(Record):
    """An insurer or program that receives claims (loop 2010BB)."""

    id: PayerId  # the electronic payer id, NM109 with qualifier PI
    name: str = Field(min_length=1, max_length=60)
    claim_filing_indicator: ClaimFilingIndicator = ClaimFilingIndicator.COMMERCIAL
    timely_filing_days: int = Field(default=365, ge=1, le=3650)
    appeal_days: int = Field(default=120, ge=1, le=3650)
    address: Address | None = None


class PlanType(StrEnum):
    HMO = "HMO"
    PPO = "PPO"
    EPO = "EPO"
    POS = "POS"
    MEDICARE = "MEDICARE"
    MEDICAID = "MEDICAID"
    INDEMNITY = "INDEMNITY"


class InsurancePlan(Record):
    """A product a payer sells: its network type and the benefit plan it points at."""

    id: str
    payer_id: PayerId
    name: str = Field(min_length=1, max_length=60)
    plan_type: PlanType = PlanType.PPO
    requires_referral: bool = False


class CoveragePriority(StrEnum):
    """SBR01: the payer responsibility sequence."""

    PRIMARY = "P"
    SECONDARY = "S"
    TERTIARY = "T"

    @property
    def rank(self) -> int:
        return {"P": 1, "S": 2, "T": 3}[self.value]


class Relationship(StrEnum):
    """The patient's relationship to the subscriber (SBR02 / PAT01)."""

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    EMPLOYEE = "20"
    LIFE_PARTNER = "53"
    OTHER = "G8"
    UNKNOWN = "21"


class Coverage(Record):
    """A patient's insurance with one payer: who subscribes, the member id, and when it applies."""

    id: CoverageId
    patient_id: PatientId
    payer_id: PayerId
    plan_id: str | None = None
    priority: CoveragePriority = CoveragePriority.PRIMARY
    subscriber: Person  # 2010BA
    relationship: Relationship = Relationship.SELF
    member_id: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9-]+$")  # NM109
    group_number: str | None = Field(default=None, max_length=50)  # SBR03
    group_name: str | None = Field(default=None, max_length=60)  # SBR04
    effective_date: date
    termination_date: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Coverage:
        if self.termination_date is not None and self.termination_date < self.effective_date:
            raise ValueError(
                f"coverage ends ({self.termination_date}) before it starts ({self.effective_date})"
            )
        return self

    def covers(self, day: date) -> bool:
        """True when the coverage is in force on `day`."""
        return self.effective_date <= day and (
            self.termination_date is None or day <= self.termination_date
        )


class Location(Record):
    """Where care is given: a practice office, a hospital department, with its place of service."""

    id: LocationId
    name: str = Field(min_length=1, max_length=60)
    place_of_service: str = Field(pattern=r"^\d{2}$")
    address: Address
    npi: NPI | None = None
