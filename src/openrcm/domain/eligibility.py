"""Eligibility and benefits (270/271): who asks about whose coverage, and what the payer answers.

An `EligibilityRequest` is one inquiry of a 270 (X279A1) about one subscriber, or one
dependent of a subscriber: the information source (the payer, loop 2100A), the information
receiver (the provider asking, 2100B), the member (2100C/2100D) and the service type codes
asked about (EQ01). An `EligibilityResponse` is the 271's answer about that member: AAA
rejections (request validation: "subscriber not found", "invalid member id"...) and EB
benefits: active coverage, deductible, coinsurance, copay, out-of-pocket limits, remaining
amounts, in or out of network, coverage level, time period and service type codes.

`Entity`, `Reference` and `QualifiedDate` are the NM1 name, REF identifier and DTP date the
270 through 277 share; `claim_status` uses them too. Code fields keep the X12 code as sent
(an unknown code from a payer is data, not an error); properties name the common ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from openrcm.domain.base import Record
from openrcm.domain.money import Money


class Reference(Record):
    """A REF segment: an identifier with the qualifier that says what it identifies."""

    qualifier: str = Field(min_length=1, max_length=3)  # REF01: 6P group number, SY SSN, 1L...
    value: str = Field(min_length=1, max_length=50)  # REF02
    description: str | None = None  # REF03


class QualifiedDate(Record):
    """A DTP date or date range with its qualifier (291 plan, 346 plan begin, 472 service...)."""

    qualifier: str = Field(min_length=3, max_length=3)  # DTP01
    start_date: date  # DTP03 (D8, or the first half of RD8)
    end_date: date | None = None  # the second half of RD8

    @model_validator(mode="after")
    def _in_order(self) -> QualifiedDate:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"date range ends ({self.end_date}) before it starts")
        return self


class Entity(Record):
    """A named party of the 270-277 transactions: NM1 with its address (N3/N4) and REFs.

    Payers (NM101 PR), providers (1P, 41, 85), subscribers (IL) and dependents (03, QC).
    `name` is the last name of a person or the name of an organisation; the 270 may leave it
    out when the member id alone identifies the subscriber.
    """

    entity_code: str = Field(min_length=2, max_length=3)  # NM101
    entity_type: str = Field(default="1", pattern=r"^[12]$")  # NM102: 1 person, 2 organisation
    name: str | None = Field(default=None, max_length=60)  # NM103
    first_name: str | None = Field(default=None, max_length=35)  # NM104
    middle_name: str | None = Field(default=None, max_length=25)  # NM105
    suffix: str | None = Field(default=None, max_length=10)  # NM107
    id_qualifier: str | None = Field(default=None, max_length=2)  # NM108: PI, XX, MI, FI, SV...
    identifier: str | None = Field(default=None, max_length=80)  # NM109
    address_lines: tuple[str, ...] = Field(default=(), max_length=2)  # N301, N302
    city: str | None = None  # N401
    state: str | None = None  # N402
    zip_code: str | None = None  # N403
    references: tuple[Reference, ...] = ()  # REF

    @model_validator(mode="after")
    def _identifier_with_qualifier(self) -> Entity:
        if (self.id_qualifier is None) != (self.identifier is None):
            raise ValueError("NM108 and NM109 go together: an identifier needs its qualifier")
        return self

    def reference(self, qualifier: str) -> str | None:
        """The first REF02 with this qualifier, or None."""
        return next((r.value for r in self.references if r.qualifier == qualifier), None)


class Trace(Record):
    """A TRN trace number: the inquirer's (TRN01 1) or the one echoed back (TRN01 2)."""

    trace_type: str = Field(default="1", pattern=r"^[12]$")  # TRN01
    number: str = Field(min_length=1, max_length=50)  # TRN02
    originator: str | None = Field(default=None, max_length=10)  # TRN03: 1 + EIN, or DUNS
    supplemental: str | None = Field(default=None, max_length=50)  # TRN04


class Member(Record):
    """A subscriber (loop 2100C) or dependent (2100D): name, demographics and trace numbers."""

    entity: Entity  # NM1*IL (subscriber) or NM1*03 (dependent), with N3/N4 and REF
    birth_date: date | None = None  # DMG02
    sex: str | None = Field(default=None, pattern=r"^[FMU]$")  # DMG03
    relationship: str | None = Field(default=None, max_length=2)  # INS02 (dependent): 01, 19...
    traces: tuple[Trace, ...] = ()  # TRN


class Rejection(Record):
    """An AAA segment: the request could not be answered as asked, and why.

    `level` says which loop rejected it: the information source (2100A: payer cannot
    answer), the receiver (2100B: provider not eligible for inquiries), the subscriber
    (2100C) or the dependent (2100D).
    """

    level: str = Field(pattern=r"^(source|receiver|subscriber|dependent)$")
    valid_request: bool = False  # AAA01: Y the request was valid but could not be processed
    reason_code: str = Field(min_length=2, max_length=2)  # AAA03: 72 bad member id, 75 not found
    follow_up_action: str | None = Field(default=None, max_length=1)  # AAA04: C, N, R, S, W, X, Y


class BenefitCode:
    """EB01 codes openrcm gives names to (the field keeps any code the payer sends)."""

    ACTIVE = "1"
    ACTIVE_FULL_RISK_CAPITATION = "2"
    ACTIVE_SERVICES_CAPITATED = "3"
    ACTIVE_PENDING = "5"
    INACTIVE = "6"
    INACTIVE_PENDING = "7"
    COINSURANCE = "A"
    COPAYMENT = "B"
    DEDUCTIBLE = "C"
    BENEFIT_DESCRIPTION = "D"
    EXCLUSIONS = "E"
    LIMITATIONS = "F"
    OUT_OF_POCKET = "G"  # out of pocket (stop loss)
    NON_COVERED = "I"
    PRIMARY_CARE_PROVIDER = "L"
    OTHER_PAYER = "R"
    CANNOT_PROCESS = "V"
    OTHER_SOURCE_OF_DATA = "W"

    ACTIVE_CODES = frozenset({"1", "2", "3", "4", "5"})


class TimePeriod:
    """EB06 time period qualifiers openrcm names."""

    CALENDAR_YEAR = "23"
    SERVICE_YEAR = "22"
    YEAR_TO_DATE = "24"
    CONTRACT = "25"
    EPISODE = "26"
    VISIT = "27"
    REMAINING = "29"
    LIFETIME = "32"
    DAY = "7"


class Benefit(Record):
    """One EB segment of a 271 (loop 2110C/2110D) with the REF, DTP, MSG and 2120 names after it.

    Amounts (EB07) are money; percentages (EB08) are fractions as sent (0.2 is 20%).
    A deductible with time period 29 is what remains of the deductible.
    """

    code: str = Field(min_length=1, max_length=2)  # EB01
    coverage_level: str | None = Field(default=None, max_length=3)  # EB02: IND, FAM, EMP...
    service_type_codes: tuple[str, ...] = ()  # EB03 (repeating): 30 health benefit plan...
    insurance_type: str | None = Field(default=None, max_length=3)  # EB04: HM, PR, MB...
    plan_description: str | None = Field(default=None, max_length=50)  # EB05
    time_period: str | None = Field(default=None, max_length=2)  # EB06
    amount: Money | None = None  # EB07
    percent: Decimal | None = Field(default=None, ge=0, le=1)  # EB08
    quantity_qualifier: str | None = Field(default=None, max_length=2)  # EB09
    quantity: Decimal | None = None  # EB10
    authorization_required: str | None = Field(default=None, pattern=r"^[YNU]$")  # EB11
    in_network: str | None = Field(default=None, pattern=r"^[YNUW]$")  # EB12: W not applicable
    procedure_qualifier: str | None = None  # EB13-1
    procedure: str | None = None  # EB13-2
    references: tuple[Reference, ...] = ()  # REF in 2110
    dates: tuple[QualifiedDate, ...] = ()  # DTP in 2110: 292 benefit, 348 begin, 349 end...
    messages: tuple[str, ...] = ()  # MSG01
    related_entities: tuple[Entity, ...] = ()  # loop 2120: primary care provider, other payer
    rejections: tuple[Rejection, ...] = ()  # AAA in 2110: this benefit could not be answered

    @property
    def is_active_coverage(self) -> bool:
        return self.code in BenefitCode.ACTIVE_CODES

    @property
    def is_remaining(self) -> bool:
        """True for an amount that is what is left (EB06 29), not the plan's limit."""
        return self.time_period == TimePeriod.REMAINING

    @property
    def network(self) -> bool | None:
        """True in network, False out of network, None when it does not apply or is unknown."""
        return {"Y": True, "N": False}.get(self.in_network or "")

    def covers_service(self, service_type: str) -> bool:
        """True when EB03 lists this service type (an EB without EB03 covers the plan)."""
        return not self.service_type_codes or service_type in self.service_type_codes


class EligibilityRequest(Record):
    """One 270 inquiry: is this member covered, and for which benefits (EQ01) on which date?"""

    control_number: str = Field(min_length=1, max_length=9)  # ST02
    reference_id: str = Field(min_length=1, max_length=50)  # BHT03
    created_date: date  # BHT04
    created_time: str = Field(default="0000", pattern=r"^\d{4,8}$")  # BHT05
    information_source: Entity  # 2100A: the payer (NM1*PR)
    information_receiver: Entity  # 2100B: the provider asking (NM1*1P or FA)
    subscriber: Member  # 2100C
    dependent: Member | None = None  # 2100D: when the patient is not the subscriber
    service_type_codes: tuple[str, ...] = ("30",)  # EQ01: 30 health benefit plan coverage
    service_date: date | None = None  # DTP*291
    service_date_end: date | None = None

    @property
    def patient(self) -> Member:
        return self.dependent or self.subscriber


class EligibilityResponse(Record):
    """The 271 answer about one member: rejections (AAA) or benefits (EB).

    `subscriber` is None only when the payer rejected the inquiry before reaching a member
    (AAA in loop 2100A or 2100B); then `rejections` says why.
    """

    control_number: str = Field(min_length=1, max_length=9)  # ST02
    reference_id: str = Field(min_length=1, max_length=50)  # BHT03
    created_date: date  # BHT04
    created_time: str = Field(default="0000", pattern=r"^\d{4,8}$")  # BHT05
    information_source: Entity  # 2100A
    information_receiver: Entity | None = None  # 2100B
    subscriber: Member | None = None  # 2100C
    dependent: Member | None = None  # 2100D
    rejections: tuple[Rejection, ...] = ()  # AAA at any level above the benefits
    dates: tuple[QualifiedDate, ...] = ()  # DTP in 2100C/2100D: 346 plan begin, 356...
    benefits: tuple[Benefit, ...] = ()  # EB loops 2110C/2110D

    @property
    def is_rejected(self) -> bool:
        return bool(self.rejections)

    @property
    def has_active_coverage(self) -> bool:
        return any(b.is_active_coverage for b in self.benefits)

    def benefits_of(self, code: str, service_type: str | None = None) -> tuple[Benefit, ...]:
        """The EBs with this EB01 code, optionally only those covering one service type."""
        return tuple(
            b
            for b in self.benefits
            if b.code == code and (service_type is None or b.covers_service(service_type))
        )

    @property
    def plan_name(self) -> str | None:
        """The plan coverage description (EB05) of the first active-coverage EB that has one."""
        return next(
            (
                b.plan_description
                for b in self.benefits
                if b.is_active_coverage and b.plan_description
            ),
            None,
        )
