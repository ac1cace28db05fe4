"""Each ledger validation states one invariant; a broken ledger produces its finding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openrcm.domain import Severity
from openrcm.ledger import (
    DEPOSITS,
    REVENUE,
    VALIDATIONS,
    JournalEntry,
    Leg,
    SourceKind,
    entry,
    insurance_ar,
    patient_ar,
    patient_payment_entry,
    refunds_payable,
    reversal_of,
    validate,
)

D = Decimal
DAY = date(2025, 4, 1)


def charge(claim: str = "C1", amount: str = "100.00", payer: str = "87726") -> JournalEntry:
    return entry(
        id=f"charge:{claim}",
        entry_date=DAY,
        source=SourceKind.CHARGE,
        source_id=claim,
        legs=(Leg(insurance_ar(payer), D(amount), 1), Leg(REVENUE, -D(amount), 1)),
        claim=claim,
        payer_id=payer,
    )


def codes(entries: list[JournalEntry]) -> list[str]:
    return sorted(f.code for f in validate(entries))


def test_a_sound_ledger_has_no_findings() -> None:
    assert validate([charge()]) == []


def test_every_validation_has_a_code_severity_and_description() -> None:
    assert set(VALIDATIONS) >= {"LEDGER-UNBALANCED", "LEDGER-DUPLICATE-ID", "LEDGER-CREDIT-BALANCE"}
    for code, rule in VALIDATIONS.items():
        assert rule.code == code and code.startswith("LEDGER-") and rule.description


def test_an_unbalanced_entry_loaded_from_elsewhere_is_an_error() -> None:
    good = charge()
    broken = object.__new__(JournalEntry)
    for name in JournalEntry.__slots__:
        object.__setattr__(broken, name, getattr(good, name))
    object.__setattr__(broken, "legs", (Leg(DEPOSITS, D("1.00")),))
    object.__setattr__(broken, "id", "broken")
    found = VALIDATIONS["LEDGER-UNBALANCED"]([good, broken])
    assert [f.code for f in found] == ["LEDGER-UNBALANCED"] and found[0].severity is Severity.ERROR


def test_two_entries_with_one_id_are_a_double_posting() -> None:
    assert "LEDGER-DUPLICATE-ID" in codes([charge(), charge()])


def test_a_reversal_must_negate_a_known_entry_once() -> None:
    original = charge()
    undo = reversal_of(original, id="undo1", entry_date=DAY)
    again = reversal_of(original, id="undo2", entry_date=DAY)
    assert codes([original, undo]) == []
    assert "LEDGER-REVERSED-TWICE" in codes([original, undo, again])
    assert "LEDGER-REVERSAL-UNKNOWN" in codes([undo])
    wrong = JournalEntry(
        id="undo3",
        entry_date=DAY,
        source=SourceKind.CORRECTION,
        source_id="x",
        legs=(Leg(insurance_ar("87726"), D("-90.00"), 1), Leg(REVENUE, D("90.00"), 1)),
        claim="C1",
        reverses=original.id,
    )
    assert "LEDGER-REVERSAL-MISMATCH" in codes([original, wrong])


def test_an_overpaid_claim_shows_a_credit_balance() -> None:
    paid = entry(
        id="p",
        entry_date=DAY,
        source=SourceKind.CLAIM_PAYMENT,
        source_id="chk#1",
        legs=(Leg(DEPOSITS, D("120.00")), Leg(insurance_ar("87726"), D("-120.00"), 1)),
        claim="C1",
        payer_id="87726",
        adjudication_status="1",
    )
    found = validate([charge(), paid])
    assert [f.code for f in found] == ["LEDGER-CREDIT-BALANCE"]
    assert found[0].severity is Severity.WARNING


def test_billing_the_patient_while_another_payer_still_holds_the_claim_is_flagged() -> None:
    moved = entry(
        id="t",
        entry_date=DAY,
        source=SourceKind.TRANSFER,
        source_id="t",
        legs=(Leg(patient_ar("G1"), D("40.00"), 1), Leg(insurance_ar("87726"), D("-40.00"), 1)),
        claim="C1",
    )
    assert codes([charge(), moved]) == ["LEDGER-PATIENT-WHILE-PENDING"]


def test_money_on_a_claim_without_a_charge_is_flagged() -> None:
    payment = patient_payment_entry(
        id="pp", claim="C7", guarantor_id="G1", amount=D("10.00"), entry_date=DAY
    )
    assert "LEDGER-CLAIM-WITHOUT-CHARGE" in codes([payment])


def test_recovering_more_than_is_owed_overdraws_refunds_payable() -> None:
    recovered = entry(
        id="plb",
        entry_date=DAY,
        source=SourceKind.PROVIDER_ADJUSTMENT,
        source_id="chk#PLB1.1",
        legs=(Leg(DEPOSITS, D("-30.00")), Leg(refunds_payable("87726"), D("30.00"), reference="X")),
    )
    assert codes([recovered]) == ["LEDGER-REFUND-OVERDRAWN"]
