"""Underpayment detection: what the payer allowed, against what the contract says it should.

The contract is a function the caller supplies (`ExpectedAmount`): given the payer, the
service and its date, it returns the allowed amount the practice's contract promises, or
None when it has no rate. A line whose allowed amount misses that by more than the
tolerance becomes a `Discrepancy`. The payer's allowed amount is AMT*B6 when sent, else
what it paid plus the patient's share (PR).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openrcm.domain.claim import Claim
from openrcm.domain.remittance import ClaimPayment
from openrcm.remit.adjustments import PATIENT_GROUP
from openrcm.remit.queues import Discrepancy, DiscrepancyKind

DEFAULT_TOLERANCE = Decimal("1.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractQuery:
    """One service, as a contract lookup needs it."""

    payer_id: str
    procedure: str
    modifiers: tuple[str, ...]
    units: Decimal
    service_date: date
    charge_amount: Decimal
    place_of_service: str | None = None


ExpectedAmount = Callable[[ContractQuery], Decimal | None]
"""The contract: the allowed amount expected for a service, or None when it has no rate."""


def find_discrepancies(
    claim: Claim,
    payment: ClaimPayment,
    line_numbers: Sequence[int | None],
    *,
    payer_id: str,
    check: str,
    expected_amount: ExpectedAmount,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> list[Discrepancy]:
    """Lines of one claim payment whose allowed amount is off the contract by more than tolerance.

    Denied lines (nothing paid, nothing on the patient) belong to the denial queue, not here.
    """
    found: list[Discrepancy] = []
    for svc, number in zip(payment.lines, line_numbers, strict=True):
        if number is None:
            continue
        patient_share = svc.adjusted(PATIENT_GROUP)
        if svc.paid_amount == 0 and patient_share == 0:
            continue
        line = claim.lines[number - 1]
        expected = expected_amount(
            ContractQuery(
                payer_id=payer_id,
                procedure=svc.procedure,
                modifiers=svc.modifiers,
                units=line.units,
                service_date=svc.service_date or line.service_date,
                charge_amount=line.charge_amount,
                place_of_service=line.place_of_service or claim.place_of_service,
            )
        )
        if expected is None:
            continue
        actual = (
            svc.allowed_amount
            if svc.allowed_amount is not None
            else svc.paid_amount + patient_share
        )
        if abs(expected - actual) <= tolerance:
            continue
        found.append(
            Discrepancy(
                check=check,
                patient_control_number=claim.patient_control_number,
                claim_id=claim.id,
                payer_id=payer_id,
                line=number,
                procedure=svc.procedure,
                service_date=svc.service_date or line.service_date,
                kind=DiscrepancyKind.UNDERPAID if actual < expected else DiscrepancyKind.OVERPAID,
                expected_allowed=expected,
                actual_allowed=actual,
                paid_amount=svc.paid_amount,
            )
        )
    return found
