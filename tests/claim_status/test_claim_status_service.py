"""Claim status: 276s for claims with no news after the payer's follow-up period, the demo
payer's 277, 277CA acknowledgements moving claims, status categories in plain language
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from openrcm.datadir import find_data_dir
from openrcm.domain import ClaimStatus
from openrcm.domain.claim_status import (
    ClaimStatusResponse,
    StatusCode,
    StatusInformation,
)
from openrcm.domain.eligibility import Entity
from openrcm.domain.remittance import ClaimPayment, ClaimPaymentStatus
from openrcm.service import claim_status as service
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t276 import read_276, write_276
from openrcm.x12.t277 import read_277
from openrcm.x12.t277ca import write_277ca
from openrcm.x12.validate import validate

D = Decimal
TODAY = datetime.now(UTC).date()
CODES = service.load_status_codes(find_data_dir() / "x12codes")
HEADER = InterchangeHeader(
    sender_id="1456789019",
    receiver_id="87726",
    interchange_control_number=3,
    group_control_number=3,
    created_at=datetime(2025, 5, 1, tzinfo=UTC),
)


def errors(findings: Any) -> list[Any]:
    return [f for f in findings if f.severity.value == "error"]


def test_status_categories_read_in_plain_language() -> None:
    assert CODES.category("A2") == (
        "The claim/encounter has been accepted into the adjudication system."
    )
    assert CODES.category("A7").startswith("The claim/encounter has invalid information")
    assert "paid" in CODES.category("F1").lower()
    assert service.claim_state_for("A2") is ClaimStatus.ACCEPTED
    assert service.claim_state_for("P1") is ClaimStatus.ACCEPTED
    assert service.claim_state_for("A7") is ClaimStatus.REJECTED
    assert service.claim_state_for("F2") is ClaimStatus.ADJUDICATED
    assert service.claim_state_for("E0") is None


def test_the_276_we_write_follows_the_guide_and_reads_back(practice: Any) -> None:
    claim = practice.claim("S1", charges=("150.00", "55.00"))
    request = service.build_276(
        claim, trace_number="TRC276", created=date(2025, 5, 1), payer_claim_control_number="PHP-S1"
    )
    text = write_276([request], HEADER)
    assert errors(validate(text)) == []
    assert "REF*EJ*S1~" in text and "REF*1K*PHP-S1~" in text and "AMT*T3*205~" in text
    assert "TRN*1*TRC276~" in text and "DTP*472*D8*20250304~" in text
    (back,), findings = read_276(text)
    assert errors(findings) == [] and back == request


def test_the_demo_payers_277_round_trips(practice: Any) -> None:
    requests = [
        service.build_276(practice.claim(pcn), trace_number=f"T{pcn}", created=date(2025, 5, 1))
        for pcn in ("S1", "S2", "S3")
    ]
    paid = ClaimPayment(
        patient_control_number="S1",
        status=ClaimPaymentStatus.PRIMARY,
        charge_amount=D("205.00"),
        paid_amount=D("130.00"),
        payer_claim_control_number="PHP-S1",
    )
    denied = paid.model_copy(
        update={
            "patient_control_number": "S2",
            "status": ClaimPaymentStatus.DENIED,
            "paid_amount": D("0.00"),
        }
    )
    text = service.answer_276(
        write_276(requests, HEADER), {"S1": paid, "S2": denied}, answered=date(2025, 5, 2)
    )
    assert errors(validate(text)) == []
    responses, findings = read_277(text)
    assert errors(findings) == []
    expected = [
        service.demo_277(
            r, {"S1": paid, "S2": denied}, answered=date(2025, 5, 2), reference_id="TS1"
        )
        for r in requests
    ]
    assert responses == expected
    assert [r.category_code for r in responses] == ["F1", "F2", "A4"]
    assert responses[0].statuses[0].paid_amount == D("130.00")
    assert responses[0].payer_claim_control_number == "PHP-S1"


@pytest.fixture
def sent(uow: Any, practice: Any) -> Any:
    with uow:
        practice.store(uow)
        uow.claims.add_many(
            [
                practice.claim("S1", status=ClaimStatus.SUBMITTED),
                practice.claim("S2", status=ClaimStatus.SUBMITTED),
                practice.claim("S3", status=ClaimStatus.DRAFT),
            ]
        )
        uow.commit()
    return practice


def test_claims_without_news_get_a_276_after_the_payers_follow_up_days(uow: Any, sent: Any) -> None:
    assert service.follow_up(uow, today=TODAY + timedelta(days=10)).requests == ()
    # this payer is asked after a week
    quick = service.follow_up(uow, today=TODAY + timedelta(days=10), days={"87726": 7})
    assert [r.patient_control_number for r in quick.requests] == ["S1", "S2"]
    assert errors(validate(quick.text_276)) == []
    # the inquiry counts as news: nothing to ask again until 30 days later
    assert service.follow_up(uow, today=TODAY + timedelta(days=20)).requests == ()
    again = service.follow_up(uow, today=TODAY + timedelta(days=41))
    assert len(again.requests) == 2
    events = service.status_history(uow, "S1")
    assert [e.kind for e in events] == ["276", "276"]
    assert events[0].trace_number == quick.requests[0].trace_number


def test_a_277_answering_our_276_moves_the_claims(uow: Any, sent: Any) -> None:
    run = service.follow_up(uow, today=TODAY + timedelta(days=31))
    paid = ClaimPayment(
        patient_control_number="S1",
        status=ClaimPaymentStatus.PRIMARY,
        charge_amount=D("205.00"),
        paid_amount=D("130.00"),
        payer_claim_control_number="PHP-S1",
    )
    text = service.answer_276(run.text_276, {"S1": paid}, answered=TODAY + timedelta(days=32))
    result = service.apply_status(uow, text, CODES, today=TODAY + timedelta(days=32))
    assert result.kind == "277"
    by_claim = {u.claim: u for u in result.updates}
    assert by_claim["S1"].category == "F1" and by_claim["S1"].claim_status == "adjudicated"
    assert by_claim["S2"].category == "A4" and by_claim["S2"].claim_status == "rejected"
    assert "not found" in by_claim["S2"].description.lower()
    with uow:
        assert uow.claims.by_control_number("S1").status is ClaimStatus.ADJUDICATED
    assert service.apply_status(uow, text, CODES, today=TODAY).already_applied


def test_a_277ca_acknowledgement_accepts_or_rejects_claims(uow: Any, sent: Any) -> None:
    def ack(pcn: str, category: str, status: str) -> ClaimStatusResponse:
        return ClaimStatusResponse(
            control_number="0001",
            reference_id="ACK1",
            created_date=date(2025, 3, 6),
            payer=Entity(
                entity_code="PR",
                entity_type="2",
                name="Prairie Health Plan",
                id_qualifier="PI",
                identifier="87726",
            ),
            receiver=Entity(
                entity_code="41",
                entity_type="2",
                name="Northside",
                id_qualifier="46",
                identifier="364417285",
            ),
            provider=Entity(
                entity_code="85",
                entity_type="2",
                name="Northside",
                id_qualifier="XX",
                identifier=sent.billing_provider.npi,
            ),
            patient=Entity(entity_code="QC", entity_type="1", name="Okafor", first_name="Grace"),
            patient_control_number=pcn,
            statuses=(
                StatusInformation(
                    codes=(StatusCode(category=category, status=status),),
                    effective_date=date(2025, 3, 6),
                    action_code="WQ" if category == "A2" else "U",
                    charge_amount=D("205.00"),
                ),
            ),
        )

    text = write_277ca([ack("S1", "A2", "20"), ack("S2", "A7", "164")], HEADER)
    result = service.apply_status(uow, text, CODES, today=TODAY)
    assert result.kind == "277CA"
    assert [(u.claim, u.claim_status) for u in result.updates] == [
        ("S1", "accepted"),
        ("S2", "rejected"),
    ]
    assert result.updates[0].description.startswith(
        "The claim/encounter has been accepted into the adjudication system."
    )
    with uow:
        history = uow.claims.history(uow.claims.by_control_number("S2").id)
    assert history[-1].reason == "277CA A7:164"
