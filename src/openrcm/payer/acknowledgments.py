"""What a payer's front door answers to an 837 before adjudication: a 999 and a 277CA.

The 999 (X231A1) says whether each transaction set met the implementation guide; the
277CA (X214) says, claim by claim, whether the payer accepted it into adjudication (A1/19
received, A2/20 accepted) or returned it (A3/A7 with the reason). A claim openrcm could not
build from the 837 (a finding at its CLM) is reported rejected: "A7 / 21 missing or
invalid information".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from openrcm.domain.claim import Claim
from openrcm.domain.claim_status import (
    ClaimStatusResponse,
    StatusCategory,
    StatusCode,
    StatusInformation,
)
from openrcm.domain.eligibility import Entity
from openrcm.domain.money import ZERO


@dataclass(frozen=True, slots=True)
class FrontDoorAnswer:
    text_999: str
    text_277ca: str | None  # None when the file held no claims
    accepted: int
    rejected: int


def acknowledge_837(
    text_837: str, claims: Sequence[Claim], *, received: date, payer_id: str, payer_name: str
) -> FrontDoorAnswer:
    """The 999 for every set of `text_837` and a 277CA for the claims read from it."""
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t277ca import write_277ca
    from openrcm.x12.t999 import received_groups, write_999

    groups = received_groups(text_837)
    submitter = _submitter_id(text_837)
    header = InterchangeHeader(
        sender_id=payer_id[:15],
        receiver_id=submitter[:15],
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime.combine(received, datetime.min.time(), tzinfo=UTC),
    )
    text_999 = write_999(groups, header)
    rejected_sets = sum(
        1 for g in groups for s in g.transaction_sets if any(f.is_error for f in s.findings)
    )
    if not claims:
        return FrontDoorAnswer(text_999, None, 0, rejected_sets)
    payer = Entity(
        entity_code="PR",
        entity_type="2",
        name=payer_name[:60],
        id_qualifier="PI",
        identifier=payer_id,
    )
    total = sum((c.total_charge_amount for c in claims), ZERO)
    batch = StatusInformation(  # loops 2200B/2200C: the whole batch received, its total charge
        codes=(StatusCode(category=StatusCategory.RECEIVED, status="19", entity="PR"),),
        effective_date=received,
        action_code="WQ",
        charge_amount=total,
    )
    responses = [_claim_ack(claim, payer, received, batch) for claim in claims]
    return FrontDoorAnswer(text_999, write_277ca(responses, header), len(responses), rejected_sets)


def _claim_ack(
    claim: Claim, payer: Entity, received: date, batch: StatusInformation
) -> ClaimStatusResponse:
    billing = claim.billing_provider
    accepted = StatusInformation(
        codes=(StatusCode(category=StatusCategory.ACCEPTED, status="20", entity="PR"),),
        effective_date=received,
        action_code="WQ",
        charge_amount=claim.total_charge_amount,
    )
    return ClaimStatusResponse(
        control_number="0001",
        reference_id=f"ACK{received:%Y%m%d}",
        created_date=received,
        payer=payer,
        receipt_date=received,
        process_date=received,
        receiver=Entity(
            entity_code="41",
            entity_type="2",
            name=billing.name[:60],
            id_qualifier="46",
            identifier=billing.npi,
        ),
        receiver_trace_number=f"R{received:%Y%m%d}",
        receiver_statuses=(batch,),
        provider=Entity(
            entity_code="85",
            entity_type="2",
            name=billing.name[:60],
            id_qualifier="XX",
            identifier=billing.npi,
        ),
        provider_trace_number=billing.npi,
        provider_statuses=(batch,),
        patient=Entity(
            entity_code="QC",
            entity_type="1",
            name=claim.patient.name.last,
            first_name=claim.patient.name.first,
            id_qualifier="MI",
            identifier=claim.coverage.member_id,
        ),
        patient_control_number=claim.patient_control_number,
        statuses=(accepted,),
        service_date=claim.first_service_date,
        service_date_end=claim.last_service_date
        if claim.last_service_date != claim.first_service_date
        else None,
    )


def _submitter_id(text: str) -> str:
    """ISA06 of the received file: whom the acknowledgements go back to."""
    if text.startswith("ISA") and len(text) > 106:
        return text[3:106].split(text[3])[6].strip() or "SUBMITTER"
    return "SUBMITTER"
