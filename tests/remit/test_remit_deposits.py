"""Deposit reconciliation, pure: bank exports read, deposits matched to 835 payments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrcm.remit import (
    BankDeposit,
    MatchKind,
    RemittancePayment,
    read_deposits_csv,
    reconcile,
)
from openrcm.remit.deposits import carries_trace

D = Decimal
DAY = date(2025, 4, 1)

EXPORT = """\
Posting Date,Description,Reference,Amount
04/02/2025,HCCLAIMPMT PRAIRIE HEALTH TRN*1*EFT-100*1470000001\\,,"1,250.00"
2025-04-03,MOBILE DEPOSIT,,$90.00
04/03/2025,ATM FEE,,(2.50)
04/04/2025,HCCLAIMPMT OAK MUTUAL,EFT-200,300.00
04/04/2025,HCCLAIMPMT OAK MUTUAL,EFT-200,300.00
not a date,SOMETHING,,10.00
04/05/2025,SOMETHING ELSE,,ten dollars
"""


def payment(check: str, trace: str, amount: str, on: date = DAY, payer: str = "87726"):
    return RemittancePayment(
        check=f"{payer}/{check}",
        trace_number=trace,
        payer_id=payer,
        payment_date=on,
        amount=D(amount),
    )


def deposit(amount: str, on: date = DAY, reference: str = "", description: str = ""):
    return BankDeposit(
        id=f"{on}-{amount}-{reference}-{description}",
        deposit_date=on,
        amount=D(amount),
        reference=reference,
        description=description,
    )


def test_a_bank_export_becomes_deposits_and_unusable_rows_become_findings() -> None:
    deposits, findings = read_deposits_csv(EXPORT)
    assert [(d.deposit_date, d.amount, d.reference) for d in deposits] == [
        (date(2025, 4, 2), D("1250.00"), ""),
        (date(2025, 4, 3), D("90.00"), ""),
        (date(2025, 4, 4), D("300.00"), "EFT-200"),
        (date(2025, 4, 4), D("300.00"), "EFT-200"),
    ]
    assert "TRN*1*EFT-100" in deposits[0].description
    assert deposits[2].id != deposits[3].id, "two identical rows are two deposits"
    assert [(f.code, f.severity.value) for f in findings] == [
        ("DEPOSIT-NOT-A-CREDIT", "info"),
        ("DEPOSIT-DATE", "error"),
        ("DEPOSIT-AMOUNT", "error"),
    ]
    again, _ = read_deposits_csv(EXPORT)
    assert [d.id for d in again] == [d.id for d in deposits], "ids are stable across imports"


@pytest.mark.parametrize(
    "text",
    ["", "Reference,Amount\nX,1.00\n", "Date,Amount\n2025-04-01,1.00\n"],
    ids=["empty", "no date column", "neither reference nor description"],
)
def test_an_export_without_the_needed_columns_cannot_be_used(text: str) -> None:
    with pytest.raises(ValueError):
        read_deposits_csv(text)


def test_a_trace_number_is_found_in_a_reference_or_an_ach_addenda_description() -> None:
    assert carries_trace("TRN*1*EFT-100*1470000001\\", "EFT-100")
    assert carries_trace("ach credit 000123456789", "123456789"), "leading zeros"
    assert carries_trace("REF 9912345678XYZ", "12345678"), "a long trace inside a longer word"
    assert carries_trace("eft 100", "EFT-100") is False
    assert not carries_trace("TRN*1*EFT-1000*1470000001", "EFT-100")
    assert not carries_trace("DEPOSIT 4711", "11"), "a short trace only matches whole"
    assert carries_trace("ref: 11", "11")


def test_deposits_match_by_trace_even_when_the_amount_differs() -> None:
    payments = [payment("EFT-100", "EFT-100", "1250.00"), payment("EFT-200", "EFT-200", "300.00")]
    deposits = [
        deposit("1250.00", DAY + timedelta(days=1), description="TRN*1*EFT-100*147\\"),
        deposit("299.00", DAY + timedelta(days=2), reference="EFT-200"),
    ]
    result = reconcile(deposits, payments)
    assert [(m.payment.trace_number, m.kind, m.difference) for m in result.matches] == [
        ("EFT-100", MatchKind.TRACE, D("0.00")),
        ("EFT-200", MatchKind.TRACE_AMOUNT_DIFFERS, D("-1.00")),
    ]
    assert result.unmatched_deposits == () and result.unmatched_payments == ()
    totals = result.as_json()["totals"]
    assert totals == {
        "matched": 2,
        "matched_amount": "1549.00",
        "differences": "-1.00",
        "unmatched_deposits": 0,
        "unmatched_deposit_amount": "0.00",
        "unmatched_payments": 0,
        "unmatched_payment_amount": "0.00",
    }


def test_a_deposit_without_a_trace_matches_the_one_payment_of_its_amount_near_its_date() -> None:
    payments = [
        payment("CHK-1", "10001", "90.00"),
        payment("CHK-2", "10002", "75.00", DAY + timedelta(days=20)),
        payment("DENIALS", "10003", "0.00"),
    ]
    deposits = [
        deposit("90.00", DAY + timedelta(days=2), description="MOBILE DEPOSIT"),
        deposit("75.00", DAY, description="MOBILE DEPOSIT"),
        deposit("12.00", DAY, description="INTEREST"),
    ]
    result = reconcile(deposits, payments)
    assert [(m.payment.check, m.kind) for m in result.matches] == [
        ("87726/CHK-1", MatchKind.AMOUNT_AND_DATE)
    ]
    assert sorted(d.amount for d in result.unmatched_deposits) == [D("12.00"), D("75.00")]
    assert [p.check for p in result.unmatched_payments] == ["87726/CHK-2"], (
        "a payment of nothing is not expected at the bank"
    )


def test_two_deposits_of_one_amount_near_one_payment_are_left_for_a_person() -> None:
    payments = [payment("CHK-1", "10001", "90.00")]
    deposits = [deposit("90.00", DAY, description="A"), deposit("90.00", DAY, description="B")]
    result = reconcile(deposits, payments)
    assert result.matches == () and len(result.unmatched_deposits) == 2


def test_matches_made_before_stand_and_a_payment_is_matched_once() -> None:
    payments = [payment("EFT-1", "EFT-1", "50.00")]
    earlier = BankDeposit(
        id="d1",
        deposit_date=DAY,
        amount=D("50.00"),
        reference="EFT-1",
        check="87726/EFT-1",
        match=MatchKind.TRACE,
    )
    copy = deposit("50.00", DAY, reference="EFT-1")
    result = reconcile([earlier, copy], payments)
    assert [(m.deposit.id, m.kind) for m in result.matches] == [("d1", MatchKind.TRACE)]
    assert result.new_matches == ()
    assert result.unmatched_deposits == (copy,)


amounts = st.sampled_from(["10.00", "20.00", "35.50", "90.00"])
offsets = st.integers(min_value=0, max_value=12)


@given(
    st.lists(st.tuples(amounts, offsets, st.booleans()), max_size=8),
    st.lists(st.tuples(amounts, offsets), max_size=8),
)
def test_every_deposit_and_payment_ends_up_matched_once_or_listed(
    deposit_specs: list[tuple[str, int, bool]], payment_specs: list[tuple[str, int]]
) -> None:
    payments = [
        payment(f"T{i}", f"TRACE{i:04d}", amount, DAY + timedelta(days=day))
        for i, (amount, day) in enumerate(payment_specs)
    ]
    deposits = [
        BankDeposit(
            id=f"d{i}",
            deposit_date=DAY + timedelta(days=day),
            amount=D(amount),
            reference=f"TRACE{i:04d}" if traced and i < len(payments) else "",
        )
        for i, (amount, day, traced) in enumerate(deposit_specs)
    ]
    result = reconcile(deposits, payments)
    matched_deposits = [m.deposit.id for m in result.matches]
    matched_payments = [m.payment.check for m in result.matches]
    assert len(set(matched_deposits)) == len(matched_deposits)
    assert len(set(matched_payments)) == len(matched_payments)
    assert sorted(matched_deposits + [d.id for d in result.unmatched_deposits]) == sorted(
        d.id for d in deposits
    )
    assert sorted(matched_payments + [p.check for p in result.unmatched_payments]) == sorted(
        p.check for p in payments
    )
    for m in result.matches:
        if m.kind is MatchKind.AMOUNT_AND_DATE:
            assert m.difference == 0
            assert abs((m.deposit.deposit_date - m.payment.payment_date).days) <= 5
        else:
            assert carries_trace(m.deposit.text, m.payment.trace_number)
