"""Work items that posting hands to people: exceptions, denials and payment discrepancies.

Nothing an 835 says is dropped. What cannot be posted to a claim becomes a
`PostingException` with its reason; every denied claim or zero-paid line becomes a
`Denial` for the denial work queue; a payment below (or above) the contract becomes a
`Discrepancy` with the expected and actual amounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO


class ExceptionReason(StrEnum):
    """Why an 835 item went to the exception queue instead of a claim."""

    CLAIM_NOT_FOUND = "claim_not_found"  # no claim has this patient control number
    REVERSAL_WITHOUT_ORIGINAL = "reversal_without_original"  # CLP02 22 with nothing to negate
    NOT_POSTED_STATUS = "not_posted_status"  # CLP02 the ledger does not post (pended, ...)
    RECOVERY_UNMATCHED = "recovery_unmatched"  # a PLB take-back naming no known claim


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingException:
    """An 835 item that was not posted to a claim, and why: the exception queue."""

    check: str  # the payment it arrived with (payer/trace number)
    reason: ExceptionReason
    amount: Decimal  # money involved: CLP04, or the PLB amount
    patient_control_number: str | None = None  # CLP01
    payer_claim_number: str | None = None  # CLP07, or the PLB03-2 reference
    status: str | None = None  # CLP02, or the PLB03-1 reason code
    message: str = ""  # for people; no patient data


@dataclass(frozen=True, slots=True, kw_only=True)
class Denial:
    """A denied claim (CLP02 4) or a line the payer paid nothing on, for the denial queue.

    carcs are group and CARC (Claim Adjustment Reason Code) pairs as "CO-50"; remark_codes
    are RARCs (Remittance Advice Remark Codes).
    """

    check: str
    patient_control_number: str
    claim_id: str
    payer_id: str
    denied_amount: Decimal  # the charge denied
    denial_date: date  # the 835's payment date
    line: int | None = None  # None when the whole claim was denied
    procedure: str | None = None
    carcs: tuple[str, ...] = ()
    remark_codes: tuple[str, ...] = ()
    payer_claim_number: str | None = None


class DiscrepancyKind(StrEnum):
    UNDERPAID = "underpaid"
    OVERPAID = "overpaid"


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    """A line whose allowed amount differs from the contract by more than the tolerance."""

    check: str
    patient_control_number: str
    claim_id: str
    payer_id: str
    line: int
    procedure: str
    service_date: date
    kind: DiscrepancyKind
    expected_allowed: Decimal  # what the contract allows
    actual_allowed: Decimal  # what the payer allowed (AMT*B6, else paid + patient share)
    paid_amount: Decimal = ZERO

    @property
    def difference(self) -> Decimal:
        """Expected minus actual: positive when underpaid."""
        return self.expected_allowed - self.actual_allowed
