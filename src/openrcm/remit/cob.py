"""Coordination of benefits: who pays after whom, and the claim for the next payer.

A claim's payers are ranked by their SBR01 responsibility sequence (P, S, T, then A to
H). Patient responsibility from one payer moves to the next payer that has not yet
adjudicated, where it stays "insurance pending"; only after the last one does it reach the
patient. `next_claim` builds the secondary (or tertiary) claim after an adjudication, with
the COB data an 837 needs: the adjudicating payer as a 2320/2330 other payer with its
claim-level CAS and AMT paid, and each line's 2430 adjudication.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openrcm.domain.claim import Adjustment, Claim, ClaimId, LineAdjudication, OtherPayer
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.money import ZERO
from openrcm.domain.party import Coverage, CoverageId, Payer, PayerId
from openrcm.domain.remittance import ClaimPayment, ClaimPaymentStatus, Remittance

RANKS = {letter: rank for rank, letter in enumerate("PSTABCDEFGH", start=1)}
"""SBR01 payer responsibility sequence codes to their rank; U (unknown) ranks last."""

_STATUS_RANK = {
    ClaimPaymentStatus.PRIMARY: 1,
    ClaimPaymentStatus.PRIMARY_FORWARDED: 1,
    ClaimPaymentStatus.SECONDARY: 2,
    ClaimPaymentStatus.SECONDARY_FORWARDED: 2,
    ClaimPaymentStatus.TERTIARY: 3,
    ClaimPaymentStatus.TERTIARY_FORWARDED: 3,
}


def rank_of(priority: str) -> int:
    return RANKS.get(priority, 99)


def _party_key(text: str) -> str:
    return text.strip() or "unknown"


def adjudicating_payer(
    claim: Claim, payment: ClaimPayment | None, remittance: Remittance
) -> tuple[Payer, int]:
    """The payer that sent this claim payment, and its rank on the claim.

    Found by the 835 payer's identifier among the claim's payers, else by CLP02 (processed
    as primary, secondary, tertiary), else the payer the claim was billed to.
    """
    own_rank = claim.coverage.priority.rank
    identifiers = {remittance.payer.identifier, remittance.payer_trace_id} - {None}
    if claim.payer.id in identifiers:
        return claim.payer, own_rank
    for other in claim.other_payers:
        if other.payer.id in identifiers:
            return other.payer, rank_of(other.priority)
    wanted = _STATUS_RANK.get(payment.status) if payment is not None else None
    if wanted is not None and wanted != own_rank:
        for other in claim.other_payers:
            if rank_of(other.priority) == wanted:
                return other.payer, wanted
    return claim.payer, own_rank


def next_payer(claim: Claim, after_rank: int) -> OtherPayer | None:
    """The next payer to adjudicate after rank `after_rank`, or None when none is left."""
    waiting = [
        other
        for other in claim.other_payers
        if rank_of(other.priority) > after_rank
        and other.paid_amount is None
        and other.adjudication_date is None
    ]
    if claim.coverage.priority.rank > after_rank:
        waiting.append(_as_other_payer(claim))
    return min(waiting, key=lambda o: rank_of(o.priority), default=None)


def crossover_party(payment: ClaimPayment) -> str | None:
    """The payer a forwarded claim (CLP02 19, 20, 21 or NM1*TT) went to, as an account party."""
    name = payment.crossover_payer_id or payment.crossover_payer_name
    return _party_key(name) if name else None


def _as_other_payer(claim: Claim) -> OtherPayer:
    coverage = claim.coverage
    return OtherPayer(
        payer=claim.payer,
        subscriber=coverage.subscriber,
        member_id=coverage.member_id,
        priority=coverage.priority.value,
        relationship=coverage.relationship,
        group_number=coverage.group_number,
        payer_claim_control_number=claim.payer_claim_control_number,
    )


def next_claim(
    claim: Claim,
    payments: Sequence[ClaimPayment],
    line_numbers: Sequence[Sequence[int | None]],
    *,
    payer: Payer,
    rank: int,
    following: OtherPayer,
    adjudication_date: date,
    coverage: Coverage | None = None,
) -> Claim:
    """The claim for `following`, after `payer` (rank `rank`) adjudicated `payments`.

    line_numbers holds, per payment, the claim line each of its SVCs was matched to.
    coverage is the patient's coverage with the next payer; when not given it is built
    from the other-payer data on the claim.
    """
    claim_adjustments: list[Adjustment] = []
    paid = ZERO
    per_line: dict[int, list[LineAdjudication]] = {}
    for payment, numbers in zip(payments, line_numbers, strict=True):
        paid += payment.paid_amount
        claim_adjustments.extend(payment.adjustments)
        for svc, number in zip(payment.lines, numbers, strict=True):
            if number is None:
                claim_adjustments.extend(svc.adjustments)
                continue
            per_line.setdefault(number, []).append(
                LineAdjudication(
                    payer_id=payer.id,
                    paid_amount=svc.paid_amount,
                    procedure=svc.procedure,
                    modifiers=svc.modifiers,
                    units=svc.units if svc.units > 0 else claim.lines[number - 1].units,
                    adjustments=svc.adjustments,
                    adjudication_date=adjudication_date,
                )
            )
    priority = next(
        (letter for letter, r in RANKS.items() if r == rank), claim.coverage.priority.value
    )
    if payer.id == claim.payer.id:
        adjudicated = _as_other_payer(claim)
    else:
        adjudicated = next(o for o in claim.other_payers if o.payer.id == payer.id)
    adjudicated = adjudicated.model_copy(
        update={
            "priority": priority,
            "paid_amount": paid,
            "adjustments": tuple(claim_adjustments),
            "adjudication_date": adjudication_date,
            "payer_claim_control_number": next(
                (p.payer_claim_control_number for p in payments if p.payer_claim_control_number),
                None,
            ),
        }
    )
    others = [o for o in claim.other_payers if o.payer.id not in (payer.id, following.payer.id)]
    if claim.payer.id not in (payer.id, following.payer.id):
        others.append(_as_other_payer(claim))
    others.append(adjudicated)
    others.sort(key=lambda o: rank_of(o.priority))
    lines = tuple(
        line.model_copy(
            update={"adjudications": line.adjudications + tuple(per_line.get(line.number, ()))}
        )
        for line in claim.lines
    )
    return claim.model_copy(
        update={
            "id": ClaimId(f"{claim.id}-{following.priority}"),
            "status": ClaimStatus.DRAFT,
            "frequency_code": "1",
            "payer_claim_control_number": None,
            "payer": following.payer,
            "coverage": coverage or _coverage_for(claim, following),
            "other_payers": tuple(others),
            "lines": lines,
        }
    )


def _coverage_for(claim: Claim, other: OtherPayer) -> Coverage:
    return Coverage(
        id=CoverageId(f"{claim.coverage.id}-{other.priority}"),
        patient_id=claim.patient.id,
        payer_id=PayerId(other.payer.id),
        priority=other.priority if other.priority in "PST" else "T",
        subscriber=other.subscriber,
        relationship=other.relationship,
        member_id=other.member_id,
        group_number=other.group_number,
        effective_date=claim.first_service_date,
    )
