"""Working a denial: corrected and void claims, write-off entries, the appeal letter PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from openrcm.datadir import find_data_dir
from openrcm.denials import (
    AppealOutcome,
    Category,
    ReasonCodes,
    WriteOffReason,
    build_appeal_letter,
    build_cases,
    corrected_claim,
    denial_write_off,
    load_reason_codes,
    void_claim,
)
from openrcm.denials.actions import with_modifier
from openrcm.forms.appeal_letter import render_appeal_letter
from openrcm.ledger import AccountKind, insurance_ar
from openrcm.remit.queues import Denial

D = Decimal


@cache
def codes() -> ReasonCodes:
    return load_reason_codes(find_data_dir() / "x12codes")


def test_a_corrected_claim_replaces_the_original_with_frequency_7_and_its_payer_number(
    practice: Any,
) -> None:
    original = practice.claim("NFP25-000101")
    lines = (original.lines[0], with_modifier(original.lines[1], "59"))
    corrected = corrected_claim(original, "PHP0000123", lines=lines)
    assert corrected.frequency_code == "7"
    assert corrected.payer_claim_control_number == "PHP0000123"
    assert corrected.patient_control_number == original.patient_control_number
    assert corrected.lines[1].modifiers == ("59",)
    assert corrected.total_charge_amount == original.total_charge_amount == D("205.00")
    # dropping a line changes the total
    shorter = corrected_claim(original, "PHP0000123", lines=original.lines[:1])
    assert shorter.total_charge_amount == D("150.00")


def test_a_void_cancels_the_payers_copy_and_both_need_the_payer_claim_number(practice: Any) -> None:
    original = practice.claim("NFP25-000101")
    voided = void_claim(original, "PHP0000123")
    assert voided.frequency_code == "8"
    assert voided.lines == original.lines
    with pytest.raises(ValidationError):
        void_claim(original, "")
    with pytest.raises(ValidationError):
        corrected_claim(original, "")


def test_a_write_off_takes_the_insurance_balance_first_then_reclassifies_the_denial(
    practice: Any,
) -> None:
    claim = practice.claim("NFP25-000101")
    # the payer still carries 50 of the claim; 150 was adjusted off as CO-29 by the denial
    entry = denial_write_off(
        entry_id="writeoff:1",
        claim=claim,
        amount=D("200.00"),
        reason=WriteOffReason.TIMELY_FILING,
        entry_date=date(2025, 6, 1),
        insurance_balance=D("50.00"),
        denial_group="CO",
    )
    amounts = {(str(leg.account), leg.amount) for leg in entry.legs}
    assert amounts == {
        ("write_off", D("50.00")),
        (str(insurance_ar("87726")), D("-50.00")),
        ("write_off", D("150.00")),
        ("contractual_adjustment", D("-150.00")),
    }
    assert entry.amount(AccountKind.WRITE_OFF) == D("200.00")
    assert all(leg.reason == "write_off:timely_filing" for leg in entry.legs)
    assert entry.claim == "NFP25-000101"
    only_ar = denial_write_off(
        entry_id="writeoff:2",
        claim=claim,
        amount=D("20.00"),
        reason=WriteOffReason.SMALL_BALANCE,
        entry_date=date(2025, 6, 1),
        insurance_balance=D("80.00"),
    )
    assert only_ar.amount(AccountKind.INSURANCE_AR) == D("-20.00")
    oa = denial_write_off(
        entry_id="writeoff:3",
        claim=claim,
        amount=D("10.00"),
        reason=WriteOffReason.ADMINISTRATIVE,
        entry_date=date(2025, 6, 1),
        insurance_balance=D("0.00"),
        denial_group="OA",
    )
    assert oa.amount(AccountKind.OTHER_ADJUSTMENT) == D("-10.00")
    with pytest.raises(ValueError):
        denial_write_off(
            entry_id="x",
            claim=claim,
            amount=D("0"),
            reason=WriteOffReason.ADMINISTRATIVE,
            entry_date=date(2025, 6, 1),
            insurance_balance=D("0"),
        )


def test_the_appeal_letter_cites_the_claim_the_codes_and_the_documents_enclosed(
    practice: Any,
) -> None:
    claim = practice.claim("NFP25-000101")
    denied = Denial(
        check="87726/EFT7",
        patient_control_number=claim.patient_control_number,
        claim_id=claim.id,
        payer_id="87726",
        denied_amount=D("150.00"),
        denial_date=date(2025, 4, 2),
        line=1,
        procedure="99214",
        carcs=("CO-50",),
        remark_codes=("N115",),
        payer_claim_number="PHP0000123",
    )
    (case,) = build_cases([denied], {"87726": practice.payer}, codes(), today=date(2025, 4, 20))
    letter = build_appeal_letter(
        case,
        claim,
        codes(),
        letter_date=date(2025, 4, 20),
        signer="Maria Lopez, CPC",
        enclosures=("Lab results of 2025-03-04",),
    )
    assert letter.category is Category.MEDICAL_NECESSITY
    assert letter.deadline == date(2025, 6, 1)  # the payer allows 60 days
    assert [c.code for c in letter.denial_codes] == ["CO-50", "N115"]
    assert "medical necessity" in letter.denial_codes[0].description.lower()
    assert letter.enclosures[-1] == "Lab results of 2025-03-04"
    assert any("Letter of medical necessity" in e for e in letter.enclosures)

    pdf = render_appeal_letter(letter)
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for expected in (
        "NFP25-000101",
        "PHP0000123",
        "W281734409",  # member id
        "Okafor, Grace A",
        "2025-03-04",
        "$205.00",
        "$150.00",
        "CO-50",
        "N115",
        "Letter of medical necessity",
        "Lab results of 2025-03-04",
        "Prairie Health Plan",
        "2025-06-01",
    ):
        assert expected in text, expected
    assert reader.metadata is not None and "NFP25-000101" in (reader.metadata.title or "")


def test_outcomes_say_whether_the_payer_has_decided() -> None:
    assert not AppealOutcome.PENDING.decided
    assert AppealOutcome.OVERTURNED.decided and AppealOutcome.UPHELD.decided
