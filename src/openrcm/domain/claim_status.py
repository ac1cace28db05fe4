"""Claim status (276/277) and claim acknowledgement (277CA): where a claim stands with a payer.

A `ClaimStatusRequest` is one claim of a 276 (X212): who asks (the information receiver),
the payer, the billing provider, the subscriber and, when the patient is a dependent, the
patient, and what identifies the claim (trace number, payer claim control number, charge,
dates of service). A `ClaimStatusResponse` is one claim of a 277 (X212) or a 277CA (X214):
one or more `StatusInformation` (STC) records, each with claim status category codes (A1
received, A2 accepted, A3 returned as unprocessable, A7 rejected, F1 finalized/paid, P1
pending...), status codes and the entity they concern, with amounts and dates.

The records are flat: each claim carries its payer, receiver and provider, so a reader
returns one record per claim and a writer groups consecutive records that share them
under one HL. A response with `patient` None reports a whole batch (receiver level).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from openrcm.domain.base import Record
from openrcm.domain.eligibility import Entity
from openrcm.domain.money import ZERO, Money


class StatusCategory:
    """STC01-1 claim status category codes openrcm names (the field keeps any code)."""

    ACKNOWLEDGED = "A0"  # forwarded to another entity
    RECEIVED = "A1"
    ACCEPTED = "A2"
    RETURNED_UNPROCESSABLE = "A3"
    NOT_FOUND = "A4"
    SPLIT = "A5"
    MISSING_INFORMATION = "A6"
    INVALID_INFORMATION = "A7"
    REJECTED_RELATIONAL = "A8"
    FINALIZED = "F0"
    PAID = "F1"
    DENIED = "F2"
    REVISED = "F3"
    PENDING = "P0"
    PENDING_IN_PROCESS = "P1"
    PENDING_PAYER_REVIEW = "P2"
    PENDING_REQUESTED_INFORMATION = "P3"
    PENDING_PATIENT_REQUESTED_INFORMATION = "P4"
    ERROR = "E0"

    REJECTED_CODES = frozenset({"A3", "A4", "A6", "A7", "A8"})


class StatusCode(Record):
    """One health care claim status composite (STC01, STC10 or STC11)."""

    category: str = Field(min_length=1, max_length=3)  # -1: claim status category code
    status: str = Field(min_length=1, max_length=5)  # -2: claim status code
    entity: str | None = Field(default=None, max_length=3)  # -3: entity identifier code
    code_list_qualifier: str | None = None  # -4: RX (NCPDP reject codes) when present

    @property
    def is_rejection(self) -> bool:
        return self.category in StatusCategory.REJECTED_CODES


class StatusInformation(Record):
    """One STC segment: status codes with their effective date, action code and amounts."""

    codes: tuple[StatusCode, ...] = Field(min_length=1, max_length=3)  # STC01, STC10, STC11
    effective_date: date | None = None  # STC02
    action_code: str | None = Field(default=None, max_length=2)  # STC03: WQ accept, U reject
    charge_amount: Money | None = None  # STC04: total claim charge
    paid_amount: Money | None = None  # STC05: payment amount
    adjudication_date: date | None = None  # STC06
    payment_method: str | None = Field(default=None, max_length=3)  # STC07: ACH, CHK, NON...
    check_issue_date: date | None = None  # STC08
    check_number: str | None = Field(default=None, max_length=16)  # STC09
    message: str | None = Field(default=None, max_length=264)  # STC12: free-form message

    @property
    def primary(self) -> StatusCode:
        return self.codes[0]

    @property
    def is_rejection(self) -> bool:
        return any(code.is_rejection for code in self.codes)


class LineStatus(Record):
    """A service line asked about (276 loop 2210) or reported on (277 / 277CA loop 2220)."""

    procedure_qualifier: str = "HC"  # SVC01-1: HC, NU (revenue code), AD, N4...
    procedure: str = Field(min_length=1, max_length=48)  # SVC01-2
    modifiers: tuple[str, ...] = Field(default=(), max_length=4)  # SVC01-3..6
    charge_amount: Money  # SVC02
    paid_amount: Money | None = None  # SVC03
    revenue_code: str | None = None  # SVC04
    units: Decimal | None = None  # SVC07
    line_control_number: str | None = None  # REF*FJ
    service_date: date | None = None  # DTP*472
    service_date_end: date | None = None
    statuses: tuple[StatusInformation, ...] = ()  # STC (277 / 277CA only)


class ClaimStatusRequest(Record):
    """One claim of a 276: which claim, for which patient, the provider asks about."""

    control_number: str = Field(min_length=1, max_length=9)  # ST02
    reference_id: str = Field(min_length=1, max_length=50)  # BHT03
    created_date: date  # BHT04
    created_time: str = Field(default="0000", pattern=r"^\d{4,8}$")  # BHT05
    payer: Entity  # 2100A NM1*PR
    receiver: Entity  # 2100B NM1*41: who asks
    provider: Entity  # 2100C NM1*1P: the service provider
    subscriber: Entity  # 2100D NM1*IL
    subscriber_birth_date: date | None = None  # 2000D DMG02 (when the subscriber is the patient)
    subscriber_sex: str | None = Field(default=None, pattern=r"^[FMU]$")
    patient: Entity | None = None  # 2100E NM1*QC: a dependent patient
    patient_birth_date: date | None = None  # 2000E DMG02
    patient_sex: str | None = Field(default=None, pattern=r"^[FMU]$")
    trace_number: str = Field(min_length=1, max_length=50)  # 2200D/E TRN02
    payer_claim_control_number: str | None = None  # REF*1K
    bill_type: str | None = None  # REF*BLT (institutional)
    patient_control_number: str | None = None  # REF*EJ: CLM01 of the claim
    clearinghouse_trace_number: str | None = None  # REF*D9
    group_number: str | None = None  # REF*6P
    prescription_number: str | None = None  # REF*XZ (pharmacy claims)
    charge_amount: Money | None = None  # AMT*T3
    service_date: date | None = None  # DTP*472
    service_date_end: date | None = None
    lines: tuple[LineStatus, ...] = ()  # 2210D/E


class ClaimStatusResponse(Record):
    """One claim's status in a 277 (X212) or 277CA (X214).

    In a 277CA the TRN02 of the patient loop is the patient control number (CLM01) and is
    read into `patient_control_number`; in a 277 TRN02 echoes the 276 trace number
    (`trace_number`) and REF*EJ carries the patient control number. `receiver_statuses`
    and `provider_statuses` are the batch-level STCs of loops 2200B and 2200C.
    """

    control_number: str = Field(min_length=1, max_length=9)  # ST02
    reference_id: str = Field(min_length=1, max_length=50)  # BHT03
    created_date: date  # BHT04
    created_time: str = Field(default="0000", pattern=r"^\d{4,8}$")  # BHT05
    payer: Entity  # 2100A NM1*PR
    receipt_date: date | None = None  # 2200A DTP*050 (277CA)
    process_date: date | None = None  # 2200A DTP*009 (277CA)
    receiver: Entity  # 2100B NM1*41
    receiver_trace_number: str | None = None  # 2200B TRN02 (277CA)
    receiver_statuses: tuple[StatusInformation, ...] = ()  # 2200B STC (277CA)
    provider: Entity | None = None  # 2100C NM1*1P / NM1*85
    provider_trace_number: str | None = None  # 2200C TRN02 (277CA)
    provider_statuses: tuple[StatusInformation, ...] = ()  # 2200C STC (277CA)
    subscriber: Entity | None = None  # 2100D NM1*IL (277)
    patient: Entity | None = None  # NM1*QC: the patient (277CA) or dependent (277)
    trace_number: str | None = None  # TRN02 of the claim loop (277)
    patient_control_number: str | None = None  # 277CA TRN02, 277 REF*EJ: CLM01
    statuses: tuple[StatusInformation, ...] = ()  # claim-level STC
    payer_claim_control_number: str | None = None  # REF*1K
    clearinghouse_trace_number: str | None = None  # REF*D9
    bill_type: str | None = None  # REF*BLT
    service_date: date | None = None  # DTP*472
    service_date_end: date | None = None
    lines: tuple[LineStatus, ...] = ()  # 2220

    @property
    def is_rejected(self) -> bool:
        """True when the claim's current status (its first STC) is a rejection category."""
        return bool(self.statuses) and self.statuses[0].is_rejection

    @property
    def category_code(self) -> str | None:
        return self.statuses[0].primary.category if self.statuses else None

    @property
    def status_code(self) -> str | None:
        return self.statuses[0].primary.status if self.statuses else None

    @property
    def charge_amount(self) -> Money:
        """The claim charge the payer reports in its first STC04, or zero."""
        for status in self.statuses:
            if status.charge_amount is not None:
                return status.charge_amount
        return ZERO
