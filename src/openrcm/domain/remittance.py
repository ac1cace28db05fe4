"""Remittance advice (835): what a payer paid, adjusted and why, per claim and per line.

`Remittance` is one 835 transaction set: one payment (check or EFT) from one payer to one
payee, covering many claim payments, plus provider-level adjustments (PLB). The 835
balances: BPR02 = sum(CLP04) - sum(PLB amounts). CAS adjustments carry a group code
(CO contractual, PR patient responsibility, OA other, PI payer initiated, CR correction)
and a CARC (Claim Adjustment Reason Code); LQ and MOA/MIA carry RARCs (Remittance Advice
Remark Codes).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from openrcm.domain.base import Record
from openrcm.domain.claim import Adjustment
from openrcm.domain.money import ZERO, Money


class ClaimPaymentStatus(StrEnum):
    """CLP02: how the payer processed the claim."""

    PRIMARY = "1"
    SECONDARY = "2"
    TERTIARY = "3"
    DENIED = "4"
    PENDED = "5"
    RECEIVED = "10"
    NOT_OUR_CLAIM = "13"
    PRIMARY_FORWARDED = "19"
    SECONDARY_FORWARDED = "20"
    TERTIARY_FORWARDED = "21"
    REVERSAL = "22"
    PREDETERMINATION = "25"

    @property
    def forwarded(self) -> bool:
        return self in {
            ClaimPaymentStatus.PRIMARY_FORWARDED,
            ClaimPaymentStatus.SECONDARY_FORWARDED,
            ClaimPaymentStatus.TERTIARY_FORWARDED,
        }


class PaymentMethod(StrEnum):
    """BPR04."""

    ACH = "ACH"
    CHECK = "CHK"
    NONE = "NON"
    FEDWIRE = "FWT"
    BOP = "BOP"


class ServicePayment(Record):
    """One adjudicated service line (835 loop 2110: SVC, DTM, CAS, REF, AMT, LQ)."""

    procedure: str  # SVC01-2
    procedure_qualifier: str = "HC"  # SVC01-1: HC, NU (revenue code), ...
    modifiers: tuple[str, ...] = ()  # SVC01-3..6
    charge_amount: Money  # SVC02
    paid_amount: Money  # SVC03
    revenue_code: str | None = None  # SVC04
    units: Decimal = Decimal(1)  # SVC05
    original_procedure: str | None = None  # SVC06-2, when the payer changed the code
    original_units: Decimal | None = None  # SVC07
    service_date: date | None = None  # DTM*472 (or 150/151)
    service_date_end: date | None = None
    adjustments: tuple[Adjustment, ...] = ()  # CAS
    line_control_number: str | None = None  # REF*6R: LX of the claim
    allowed_amount: Money | None = None  # AMT*B6
    remark_codes: tuple[str, ...] = ()  # LQ*HE

    @property
    def adjustment_total(self) -> Money:
        return sum((a.amount for a in self.adjustments), ZERO)

    def adjusted(self, group: str) -> Money:
        return sum((a.amount for a in self.adjustments if a.group == group), ZERO)


class ClaimPayment(Record):
    """One claim payment (835 loop 2100: CLP and what follows it)."""

    patient_control_number: str  # CLP01
    status: ClaimPaymentStatus  # CLP02
    charge_amount: Money  # CLP03
    paid_amount: Money  # CLP04
    patient_responsibility_amount: Money | None = None  # CLP05
    claim_filing_indicator: str | None = None  # CLP06
    payer_claim_control_number: str | None = None  # CLP07
    facility_code: str | None = None  # CLP08
    frequency_code: str | None = None  # CLP09
    drg: str | None = None  # CLP11
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    patient_last_name: str | None = None  # NM1*QC
    patient_first_name: str | None = None
    member_id: str | None = None  # NM1*QC09 or NM1*IL09
    rendering_npi: str | None = None  # NM1*82
    crossover_payer_name: str | None = None  # NM1*TT: the claim was forwarded to this payer
    crossover_payer_id: str | None = None
    corrected_priority_payer_name: str | None = None  # NM1*PR
    corrected_priority_payer_id: str | None = None  # NM1*PR09
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    received_date: date | None = None  # DTM*050
    coverage_expiration_date: date | None = None  # DTM*036
    remark_codes: tuple[str, ...] = ()  # MOA/MIA remark codes
    coverage_amount: Money | None = None  # AMT*AU
    interest_amount: Money | None = None  # AMT*I
    lines: tuple[ServicePayment, ...] = ()

    @property
    def is_reversal(self) -> bool:
        return self.status is ClaimPaymentStatus.REVERSAL

    @property
    def is_denial(self) -> bool:
        return self.status is ClaimPaymentStatus.DENIED

    def all_adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level CAS followed by every line's CAS."""
        return self.adjustments + tuple(a for line in self.lines for a in line.adjustments)

    def adjusted(self, group: str) -> Money:
        return sum((a.amount for a in self.all_adjustments() if a.group == group), ZERO)


class ProviderAdjustment(Record):
    """One PLB adjustment: a provider-level debit or credit not tied to a claim."""

    reason: str = Field(min_length=2, max_length=2)  # PLB03-1: WO, L6 interest, FB, 72, CS...
    reference: str | None = None  # PLB03-2, e.g. the ICN being recovered
    amount: Money  # PLB04: positive reduces the payment, negative increases it


class ProviderLevelAdjustments(Record):
    provider_id: str  # PLB01
    fiscal_period_date: date  # PLB02
    adjustments: tuple[ProviderAdjustment, ...]


class Party(Record):
    """A payer (N1*PR) or payee (N1*PE) named on an 835."""

    name: str
    identifier: str | None = None  # payer: REF*2U / N104; payee: NPI (XX) or TIN (FI)
    identifier_qualifier: str | None = None  # XX, FI, PI, XV
    address_line: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    contact_name: str | None = None  # payer: PER*BL02 technical contact
    contact_phone: str | None = None  # payer: PER*BL04 with PER03 TE


class BankAccount(Record):
    """A bank account in BPR for an ACH payment: the DFI (routing) id and the account number."""

    dfi_qualifier: str = "01"  # BPR06 / BPR12: 01 ABA routing number, 04 Canadian
    dfi_id: str = Field(min_length=3, max_length=12)  # BPR07 / BPR13
    account_qualifier: str = "DA"  # BPR08 / BPR14: DA demand deposit, SG savings
    account_number: str = Field(min_length=1, max_length=35)  # BPR09 / BPR15


class Remittance(Record):
    """One 835 transaction set: one payment from one payer to one payee."""

    control_number: str  # ST02
    handling_code: str = "I"  # BPR01: I remittance + payment, H notification only, ...
    total_paid_amount: Money  # BPR02
    credit_debit: str = "C"  # BPR03
    payment_method: PaymentMethod = PaymentMethod.ACH  # BPR04
    payment_date: date  # BPR16
    trace_number: str  # TRN02: check or EFT trace number
    payer_trace_id: str | None = None  # TRN03: originating company id
    payer: Party
    payee: Party
    production_date: date | None = None  # DTM*405
    payer_account: BankAccount | None = None  # BPR06-09: the sending bank (ACH)
    payer_company_id: str | None = None  # BPR10: originating company identifier (ACH)
    payee_account: BankAccount | None = None  # BPR12-15: the receiving bank (ACH)
    claims: tuple[ClaimPayment, ...] = ()
    provider_adjustments: tuple[ProviderLevelAdjustments, ...] = ()

    @property
    def claims_paid_total(self) -> Money:
        return sum((c.paid_amount for c in self.claims), ZERO)

    @property
    def provider_adjustment_total(self) -> Money:
        return sum((a.amount for plb in self.provider_adjustments for a in plb.adjustments), ZERO)

    @property
    def is_balanced(self) -> bool:
        """BPR02 equals the claim payments less the provider-level adjustments."""
        return self.total_paid_amount == self.claims_paid_total - self.provider_adjustment_total

    @property
    def patient_control_numbers(self) -> tuple[str, ...]:
        return tuple(c.patient_control_number for c in self.claims)
