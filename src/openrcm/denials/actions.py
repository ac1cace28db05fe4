"""What a biller does with a denial: correct the claim, void it, or write the amount off.

A corrected claim (CLM05-3 frequency 7, "replacement of prior claim") and a void
(frequency 8, "void/cancel of prior claim") carry the payer's claim control number of the
original (REF*F8) and keep the original's patient control number (CLM01), so the payer's
answer, usually a reversal of the original and a new decision, posts to the same claim in
the ledger and no charge is counted twice. A write-off moves the denied amount to the
practice's write-off account with a stated reason: from insurance A/R when the payer still
carries it, otherwise out of the adjustment account the denial was posted to, so reports
can tell contractual write-downs from denials the practice gave up on.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from openrcm.domain.claim import Claim, Diagnosis, ServiceLine
from openrcm.domain.money import ZERO
from openrcm.ledger.accounts import Account, AccountKind, insurance_ar
from openrcm.ledger.entries import JournalEntry
from openrcm.ledger.journal import write_off_entry

REPLACEMENT = "7"
VOID = "8"


class WriteOffReason(StrEnum):
    """Why the practice gives up on a denied amount; kept on the ledger leg."""

    TIMELY_FILING = "timely_filing"  # filed late with no proof of timely filing
    APPEAL_EXHAUSTED = "appeal_exhausted"  # every appeal level upheld the denial
    APPEAL_DEADLINE_PASSED = "appeal_deadline_passed"
    NON_COVERED_NO_WAIVER = "non_covered_no_waiver"  # no ABN/waiver: the patient owes nothing
    NO_AUTHORIZATION = "no_authorization"
    BUNDLED = "bundled"  # correctly bundled: not separately payable
    SMALL_BALANCE = "small_balance"  # not worth appealing
    ADMINISTRATIVE = "administrative"


def corrected_claim(
    original: Claim,
    payer_claim_control_number: str,
    *,
    lines: tuple[ServiceLine, ...] | None = None,
    diagnoses: tuple[Diagnosis, ...] | None = None,
    prior_authorization: str | None = None,
    referral_number: str | None = None,
    note: str | None = None,
) -> Claim:
    """The replacement claim (frequency 7) for `original`, with the corrections given.

    Raises `pydantic.ValidationError` when the corrected claim is not a valid claim.
    """
    changes: dict[str, Any] = {
        "frequency_code": REPLACEMENT,
        "payer_claim_control_number": payer_claim_control_number,
    }
    if lines is not None:
        changes["lines"] = lines
        changes["total_charge_amount"] = sum((line.charge_amount for line in lines), ZERO)
    if diagnoses is not None:
        changes["diagnoses"] = diagnoses
    if prior_authorization is not None:
        changes["prior_authorization"] = prior_authorization
    if referral_number is not None:
        changes["referral_number"] = referral_number
    if note is not None:
        changes["note"] = note
    return Claim.model_validate({**original.model_dump(), **changes})


def void_claim(original: Claim, payer_claim_control_number: str) -> Claim:
    """The void (frequency 8) of `original`: the same claim, cancelling the payer's copy."""
    return Claim.model_validate(
        {
            **original.model_dump(),
            "frequency_code": VOID,
            "payer_claim_control_number": payer_claim_control_number,
        }
    )


def with_modifier(line: ServiceLine, modifier: str) -> ServiceLine:
    """The line with `modifier` added first (59, XU, 25...), unless it already has it."""
    if modifier in line.modifiers:
        return line
    return line.model_copy(update={"modifiers": (modifier, *line.modifiers)[:4]})


def denial_write_off(
    *,
    entry_id: str,
    claim: Claim,
    amount: Decimal,
    reason: WriteOffReason,
    entry_date: date,
    insurance_balance: Decimal,
    denial_group: str | None = None,
) -> JournalEntry:
    """The ledger entry writing `amount` of a denied claim off, with `reason` on both legs.

    The amount comes from the payer's insurance A/R as far as the claim still carries a
    balance there (`insurance_balance`), and the rest out of the adjustment account the
    denial was posted to (contractual for CO, other for OA and PI).
    """
    if amount <= 0:
        raise ValueError(f"a write-off is a positive amount, not {amount}")
    label = f"write_off:{reason.value}"[:40]
    from_ar = min(amount, max(insurance_balance, ZERO))
    rest = amount - from_ar
    entry = None
    if from_ar:
        entry = write_off_entry(
            id=entry_id,
            claim=claim.patient_control_number,
            from_account=insurance_ar(claim.payer.id),
            amount=from_ar,
            entry_date=entry_date,
            reason=label,
            patient_id=claim.patient.id,
        )
    if not rest:
        assert entry is not None
        return entry
    kind = (
        AccountKind.CONTRACTUAL_ADJUSTMENT
        if (denial_group or "CO") == "CO"
        else AccountKind.OTHER_ADJUSTMENT
    )
    reclassified = write_off_entry(
        id=entry_id,
        claim=claim.patient_control_number,
        from_account=Account(kind),
        amount=rest,
        entry_date=entry_date,
        reason=label,
        patient_id=claim.patient.id,
    )
    if entry is None:
        return reclassified
    return JournalEntry(
        id=entry_id,
        entry_date=entry_date,
        source=entry.source,
        source_id=entry_id,
        legs=entry.legs + reclassified.legs,
        claim=claim.patient_control_number,
        patient_id=claim.patient.id,
    )
