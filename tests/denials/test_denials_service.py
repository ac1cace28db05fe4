"""The denial work queue through storage (SQLite and PostgreSQL): posted 835 denials become
cases, and each action (appeal, correct, void, write-off, outcome) changes claim, ledger
and case together."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from openrcm.datadir import find_data_dir
from openrcm.denials import (
    AppealOutcome,
    Band,
    CaseState,
    Category,
    ReasonCodes,
    WriteOffReason,
    load_reason_codes,
)
from openrcm.domain import ClaimStatus
from openrcm.domain.claim import Adjustment
from openrcm.domain.remittance import (
    ClaimPayment,
    ClaimPaymentStatus,
    Party,
    Remittance,
    ServicePayment,
)
from openrcm.ledger import AccountKind
from openrcm.service import denials as service
from openrcm.service.ledger import claim_balance, ledger_of
from openrcm.service.remit import post_835
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t835 import write_835

D = Decimal
DOS = date(2025, 3, 4)
DENIED_ON = date(2025, 4, 1)  # the payer allows 60 days: deadline 2025-05-31
TODAY = date(2025, 4, 20)


@cache
def codes() -> ReasonCodes:
    return load_reason_codes(find_data_dir() / "x12codes")


def line(
    procedure: str, charge: str, paid: str, *adjustments: tuple[str, str, str], number: int
) -> ServicePayment:
    return ServicePayment(
        procedure=procedure,
        charge_amount=D(charge),
        paid_amount=D(paid),
        adjustments=tuple(Adjustment(group=g, reason=r, amount=D(a)) for g, r, a in adjustments),
        line_control_number=str(number),
        service_date=DOS,
        remark_codes=("N115",) if ("CO", "50", charge) in adjustments else (),
    )


def remittance(*claims: ClaimPayment, trace: str, on: date) -> str:
    payment = Remittance(
        control_number="0001",
        total_paid_amount=sum((c.paid_amount for c in claims), D(0)),
        payment_date=on,
        trace_number=trace,
        payer=Party(name="Prairie Health Plan", identifier="87726", identifier_qualifier="XV"),
        payee=Party(name="Northside", identifier="1456789019", identifier_qualifier="XX"),
        claims=claims,
    )
    header = InterchangeHeader(
        sender_id="87726",
        receiver_id="NFP",
        interchange_control_number=int(trace[-3:]),
        group_control_number=1,
        created_at=datetime.combine(on, datetime.min.time(), tzinfo=UTC),
    )
    return write_835([payment], header)


def claim_payment(
    pcn: str, status: str, charge: str, paid: str, *lines: ServicePayment
) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number=pcn,
        status=ClaimPaymentStatus(status),
        charge_amount=D(charge),
        paid_amount=D(paid),
        payer_claim_control_number=f"PHP-{pcn}",
        lines=lines,
    )


@pytest.fixture
def denied(uow: Any, practice: Any) -> Any:
    """Three submitted claims: D1 denied for medical necessity (CO-50), D2 with its second
    line denied as bundled (CO-97), D3 paid."""
    with uow:
        practice.store(uow)
        uow.claims.add_many(
            [
                practice.claim("D1", status=ClaimStatus.SUBMITTED, charges=("200.00",)),
                practice.claim("D2", status=ClaimStatus.SUBMITTED, charges=("150.00", "55.00")),
                practice.claim("D3", status=ClaimStatus.SUBMITTED, charges=("90.00",)),
            ]
        )
        uow.commit()
    text = remittance(
        claim_payment(
            "D1",
            "4",
            "200.00",
            "0.00",
            line("99214", "200.00", "0.00", ("CO", "50", "200.00"), number=1),
        ),
        claim_payment(
            "D2",
            "1",
            "205.00",
            "90.00",
            line("99214", "150.00", "90.00", ("CO", "45", "60.00"), number=1),
            line("82947", "55.00", "0.00", ("CO", "97", "55.00"), number=2),
        ),
        claim_payment(
            "D3",
            "1",
            "90.00",
            "70.00",
            line("99213", "90.00", "70.00", ("CO", "45", "20.00"), number=1),
        ),
        trace="EFT001",
        on=DENIED_ON,
    )
    summary = post_835(uow, text)
    assert summary.denials == 2
    assert service.sync_cases(uow, codes(), today=TODAY).new_cases == 2
    return practice


def test_posted_denials_become_ranked_cases_by_root_cause(uow: Any, denied: Any) -> None:
    queue = service.denial_queue(uow, codes(), today=TODAY)
    assert [c.patient_control_number for c in queue] == ["D1", "D2"]
    first, second = queue
    assert first.category is Category.MEDICAL_NECESSITY and first.full_denial
    assert first.denied_amount == D("200.00") and first.remark_codes == ("N115",)
    assert first.deadline == date(2025, 5, 31) and first.days_left == 41
    assert first.payer_claim_control_number == "PHP-D1"
    assert second.category is Category.BUNDLING and second.lines == (2,)
    assert second.denied_amount == D("55.00")
    assert second.band is Band.LOW
    # syncing again adds nothing
    assert service.sync_cases(uow, codes(), today=TODAY).new_cases == 0
    assert len(service.denial_queue(uow, codes(), today=TODAY)) == 2


def test_an_appeal_writes_the_letter_and_moves_claim_and_case(
    uow: Any, denied: Any, tmp_path: Path
) -> None:
    result = service.appeal(uow, "D1", codes(), out_dir=tmp_path, today=TODAY, signer="Maria Lopez")
    assert result.path.exists() and not result.late
    text = " ".join(p.extract_text() for p in PdfReader(result.path).pages)
    assert "PHP-D1" in text and "CO-50" in text and "N115" in text
    assert result.case.state is CaseState.APPEALED
    with uow:
        assert uow.claims.by_control_number("D1").status is ClaimStatus.APPEALED
    # the payer overturns it: a reversal of the denial and a payment
    text_835 = remittance(
        claim_payment("D1", "22", "-200.00", "0.00"),
        claim_payment(
            "D1",
            "1",
            "200.00",
            "160.00",
            line("99214", "200.00", "160.00", ("CO", "45", "40.00"), number=1),
        ),
        trace="EFT002",
        on=date(2025, 5, 20),
    )
    post_835(uow, text_835)
    summary = service.sync_cases(uow, codes(), today=date(2025, 5, 21))
    assert summary.outcomes_recorded == 1
    outcomes = service.outcome_summary(uow)
    assert outcomes.by_outcome == {"overturned": 1}
    assert outcomes.recovered == D("160.00")
    assert outcomes.overturn_rate == D("1.0000")
    assert [c.patient_control_number for c in service.denial_queue(uow, codes(), today=TODAY)] == [
        "D2"
    ]


def test_a_corrected_claim_replaces_the_stored_claim_with_frequency_7(
    uow: Any, denied: Any
) -> None:
    case, claim = service.correct(
        uow, "D2", service.Correction(add_modifiers=((2, "59"),)), today=TODAY
    )
    assert case.state is CaseState.CORRECTED
    assert claim.frequency_code == "7" and claim.payer_claim_control_number == "PHP-D2"
    assert claim.status is ClaimStatus.APPEALED
    with uow:
        stored = uow.claims.by_control_number("D2")
        assert stored.lines[1].modifiers[0] == "59"
        assert stored.frequency_code == "7"
        history = followup_actions(uow, case.id)
    assert history[-1]["action"] == "correct"


def followup_actions(uow: Any, case_id: str) -> list[dict[str, Any]]:
    from openrcm.service.reports import followup_of

    return followup_of(uow).actions(case_id)


def test_a_write_off_posts_a_ledger_entry_with_its_reason_and_closes_the_claim(
    uow: Any, denied: Any
) -> None:
    case, entry = service.write_off(uow, "D2", WriteOffReason.BUNDLED, today=TODAY)
    assert case.state is CaseState.WRITTEN_OFF
    assert entry.amount(AccountKind.WRITE_OFF) == D("55.00")
    balance = claim_balance(uow, "D2")
    assert balance is not None
    assert balance.insurance_balance == D("0.00")
    with uow:
        assert uow.claims.by_control_number("D2").status is ClaimStatus.CLOSED
        legs = [leg for e in ledger_of(uow).entries(claim="D2") for leg in e.legs]
    assert {leg.reason for leg in legs if leg.account.kind is AccountKind.WRITE_OFF} == {
        "write_off:bundled"
    }
    # the same case cannot be written off twice
    with pytest.raises(service.DenialError):
        service.write_off(uow, "D2", WriteOffReason.BUNDLED, today=TODAY)


def test_void_and_an_upheld_appeal(uow: Any, denied: Any, tmp_path: Path) -> None:
    service.appeal(uow, "D1", codes(), out_dir=tmp_path, today=TODAY, signer="M. Lopez")
    case = service.record_outcome(uow, "D1", AppealOutcome.UPHELD, on=date(2025, 5, 2))
    assert case.state is CaseState.OPEN  # back in the queue for the next level or a write-off
    case, claim = service.void(uow, "D1", today=date(2025, 5, 3))
    assert case.state is CaseState.VOIDED
    assert claim.frequency_code == "8" and claim.status is ClaimStatus.CLOSED
    with pytest.raises(service.DenialError):
        service.void(uow, "NOPE", today=TODAY)
