"""Claim frequency (CLM05-3): an original claim (1), a replacement of one (7), or its void (8).

A replacement or a void names the claim it acts on by the payer's claim control number
(REF*F8, the ICN/DCN from the 835's CLP07); an original names none. `frequency_findings`
checks a request before building; `resubmission_of` makes the replacement or void of a
claim already built (its type of bill's last digit follows on an institutional claim).
"""

from __future__ import annotations

from openrcm.domain.claim import Claim, ClaimKind
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.finding import Finding, Severity

ORIGINAL, REPLACEMENT, VOID = "1", "7", "8"
FREQUENCIES = (ORIGINAL, REPLACEMENT, VOID)


def frequency_findings(
    frequency_code: str, payer_claim_control_number: str | None
) -> list[Finding]:
    """Why a frequency code and payer claim number cannot go on a claim; [] when they can."""
    if frequency_code not in FREQUENCIES:
        return [
            Finding(
                code="BILL-FREQUENCY",
                severity=Severity.ERROR,
                message=f"frequency code {frequency_code!r} is not 1, 7 or 8",
                fix="use 1 for a new claim, 7 to replace or 8 to void an earlier one",
            )
        ]
    if frequency_code in (REPLACEMENT, VOID) and not payer_claim_control_number:
        return [
            Finding(
                code="BILL-FREQUENCY-ICN-MISSING",
                severity=Severity.ERROR,
                message=(
                    f"a {'replacement' if frequency_code == REPLACEMENT else 'void'} claim needs "
                    "the payer's claim control number of the claim it acts on"
                ),
                fix="copy the payer claim control number (835 CLP07) of the original claim",
            )
        ]
    if frequency_code == ORIGINAL and payer_claim_control_number:
        return [
            Finding(
                code="BILL-FREQUENCY-ICN-IGNORED",
                severity=Severity.WARNING,
                message="an original claim carries no payer claim control number; it was left off",
            )
        ]
    return []


def type_of_bill(facility_type: str, classification: str, frequency_code: str) -> str:
    """The four-digit type of bill: leading 0, facility type, bill classification, frequency."""
    return f"0{facility_type}{classification}{frequency_code}"


def resubmission_of(
    claim: Claim,
    frequency_code: str,
    payer_claim_control_number: str,
    *,
    claim_id: str,
    patient_control_number: str | None = None,
) -> Claim:
    """A replacement (7) or void (8) of `claim`: a new draft with the payer's claim number."""
    if frequency_code not in (REPLACEMENT, VOID):
        raise ValueError(f"a resubmission is frequency 7 or 8, not {frequency_code!r}")
    update: dict[str, object] = {
        "id": claim_id,
        "patient_control_number": patient_control_number or claim.patient_control_number,
        "frequency_code": frequency_code,
        "payer_claim_control_number": payer_claim_control_number,
        "status": ClaimStatus.DRAFT,
    }
    if claim.kind is ClaimKind.INSTITUTIONAL and claim.type_of_bill:
        update["type_of_bill"] = claim.type_of_bill[:-1] + frequency_code
    return Claim.model_validate({**claim.model_dump(), **update})
