"""Balance checks on an 835 before posting, as findings.

A payment balances when BPR02 equals the claim payments (CLP04) less the provider-level
adjustments (PLB); a claim when its charge less its payment equals its adjustments (CAS,
claim and line level, allowing for interest included in CLP04); a line when SVC02 less
SVC03 equals its CAS. An unbalanced item is still posted as reported, and the finding says
where the money does not add up.
"""

from __future__ import annotations

from collections.abc import Sequence

from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import ZERO
from openrcm.domain.remittance import ClaimPayment, Remittance


def check_balance(remittance: Remittance, check: str) -> list[Finding]:
    """BPR02 = sum(CLP04) - sum(PLB04)."""
    if remittance.is_balanced:
        return []
    return [
        Finding(
            code="REMIT-CHECK-UNBALANCED",
            severity=Severity.ERROR,
            message=(
                f"payment {check}: BPR02 is {remittance.total_paid_amount} but the claims pay "
                f"{remittance.claims_paid_total} less {remittance.provider_adjustment_total} "
                "in provider-level adjustments"
            ),
            fix="ask the payer for a corrected 835; post the bank deposit as received",
        )
    ]


def claim_balance_findings(
    payment: ClaimPayment, line_numbers: Sequence[int | None] | None = None
) -> list[Finding]:
    """CLP03 - CLP04 = all CAS (less any interest in CLP04); SVC02 - SVC03 = the line's CAS.

    line_numbers, when known, are the claim lines the SVCs matched (for the findings' `line`).
    """
    found: list[Finding] = []
    adjusted = sum((a.amount for a in payment.all_adjustments()), ZERO)
    gap = payment.charge_amount - payment.paid_amount - adjusted
    interest = payment.interest_amount or ZERO
    lines_cover_claim = sum((s.charge_amount for s in payment.lines), ZERO) == payment.charge_amount
    if gap not in (ZERO, -interest) and (not payment.lines or lines_cover_claim):
        found.append(
            Finding(
                code="REMIT-CLAIM-UNBALANCED",
                severity=Severity.WARNING,
                message=(
                    f"claim {payment.patient_control_number}: charge {payment.charge_amount} "
                    f"less paid {payment.paid_amount} leaves {gap} that no adjustment explains"
                ),
                fix="the unexplained amount stays in insurance A/R; work it with the payer",
            )
        )
    numbers = list(line_numbers) if line_numbers is not None else [None] * len(payment.lines)
    for position, (svc, number) in enumerate(zip(payment.lines, numbers, strict=True), start=1):
        line_gap = svc.charge_amount - svc.paid_amount - svc.adjustment_total
        if line_gap != 0:
            found.append(
                Finding(
                    code="REMIT-LINE-UNBALANCED",
                    severity=Severity.WARNING,
                    line=number,
                    message=(
                        f"claim {payment.patient_control_number}, SVC {position} "
                        f"({svc.procedure}): {line_gap} is neither paid nor adjusted"
                    ),
                )
            )
    return found
