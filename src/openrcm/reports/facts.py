"""ClaimFacts: one claim's money and history, as the reports see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openrcm.domain.money import ZERO


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimFacts:
    patient_control_number: str
    payer_id: str
    payer_name: str
    patient_id: str
    patient_name: str
    service_date: date
    created_date: date  # when the claim was built (charge entered)
    first_submitted_date: date | None
    charge: Decimal
    insurance_paid: Decimal = ZERO
    patient_paid: Decimal = ZERO
    contractual: Decimal = ZERO  # CO adjustments
    other_adjustments: Decimal = ZERO  # OA, PI and write-offs
    insurance_balance: Decimal = ZERO
    patient_balance: Decimal = ZERO
    scrub_errors_before_first_submission: bool = False
    rejected: bool = False  # rejected by a 999/277CA at the front door
    adjudicated: bool = False
    denied: bool = False  # fully or partly denied on its first adjudication
    submissions: int = 0
    denial_carcs: tuple[str, ...] = ()
    denial_category: str | None = None

    @property
    def open_balance(self) -> Decimal:
        return self.insurance_balance + self.patient_balance
