"""Balances are sums over entries: by account, claim, line, patient, payer and date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openrcm.ledger import (
    CONTRACTUAL_ADJUSTMENT,
    DEPOSITS,
    REVENUE,
    AccountKind,
    ClaimLedgerStatus,
    Leg,
    SourceKind,
    ar_by_guarantor,
    ar_by_payer,
    balance,
    balances,
    claim_balance,
    claim_balances,
    entry,
    insurance_ar,
    patient_ar,
    patient_payment_entry,
    refund_entry,
    transfer_entry,
    trial_balance,
    write_off_entry,
)

D = Decimal


def charge(
    claim: str, *lines: str, payer: str = "87726", on: date = date(2025, 3, 1), patient: str = "PT1"
):
    legs = []
    for n, amount in enumerate(lines, start=1):
        legs += [
            Leg(insurance_ar(payer), D(amount), n, "charge"),
            Leg(REVENUE, -D(amount), n, "charge"),
        ]
    return entry(
        id=f"charge:{claim}",
        entry_date=on,
        source=SourceKind.CHARGE,
        source_id=claim,
        legs=legs,
        claim=claim,
        patient_id=patient,
        payer_id=payer,
    )


def insurance_payment(
    claim: str,
    paid: str,
    contractual: str,
    to_patient: str,
    on: date,
    *,
    line: int = 1,
    payer: str = "87726",
):
    ar = insurance_ar(payer)
    legs = [
        Leg(DEPOSITS, D(paid), None, "paid"),
        Leg(ar, -D(paid), line, "paid"),
        Leg(CONTRACTUAL_ADJUSTMENT, D(contractual), line, "CO-45"),
        Leg(ar, -D(contractual), line, "CO-45"),
        Leg(patient_ar("G1"), D(to_patient), line, "PR-1"),
        Leg(ar, -D(to_patient), line, "PR-1"),
    ]
    return entry(
        id=f"835:{claim}:{on}",
        entry_date=on,
        source=SourceKind.CLAIM_PAYMENT,
        source_id="chk#1",
        legs=legs,
        claim=claim,
        patient_id="PT1",
        payer_id=payer,
        adjudication_status="1",
    )


def ledger():
    return [
        charge("C1", "100.00", "50.00"),
        charge("C2", "80.00", payer="OTHER", patient="PT2"),
        insurance_payment("C1", "60.00", "20.00", "20.00", date(2025, 4, 1)),
        patient_payment_entry(
            id="pp1",
            claim="C1",
            guarantor_id="G1",
            amount=D("15.00"),
            entry_date=date(2025, 5, 1),
            patient_id="PT1",
        ),
    ]


def test_the_trial_balance_lists_every_account_and_totals_zero() -> None:
    tb = trial_balance(ledger())
    assert tb.total == 0
    named = {str(a): v for a, v in tb.accounts}
    assert named["revenue"] == D("-230.00")
    assert named["deposits"] == D("75.00")
    assert named["insurance_ar:87726"] == D("50.00") and named["insurance_ar:OTHER"] == D("80.00")
    assert tb.as_json()["total"] == "0.00"


def test_balances_by_claim_line_patient_payer_and_date() -> None:
    entries = ledger()
    assert balance(entries, AccountKind.INSURANCE_AR, claim="C1", line=1) == 0
    assert balance(entries, AccountKind.INSURANCE_AR, claim="C1", line=2) == D("50.00")
    assert balance(entries, patient_ar("G1"), through=date(2025, 4, 30)) == D("20.00")
    assert balance(entries, patient_ar("G1")) == D("5.00")
    assert balances(entries, patient_id="PT2") == {
        insurance_ar("OTHER"): D("80.00"),
        REVENUE: D("-80.00"),
    }
    assert ar_by_payer(entries) == {"87726": D("50.00"), "OTHER": D("80.00")}
    assert ar_by_payer(entries, through=date(2025, 3, 31))["87726"] == D("150.00")
    assert ar_by_guarantor(entries) == {"G1": D("5.00")}


def test_a_claim_summary_splits_what_insurance_and_the_patient_paid() -> None:
    summary = claim_balance(ledger(), "C1")
    assert summary.charge == D("150.00")
    assert summary.insurance_paid == D("60.00") and summary.patient_paid == D("15.00")
    assert summary.adjustments == D("20.00")
    assert summary.patient_responsibility == D("20.00")
    assert (summary.insurance_balance, summary.patient_balance) == (D("50.00"), D("5.00"))
    assert (
        summary.balance
        == summary.charge - summary.insurance_paid - summary.patient_paid - summary.adjustments
    )
    assert summary.as_json() == {
        "claim": "C1",
        "charge": "150.00",
        "insurance_paid": "60.00",
        "adjustments": "20.00",
        "patient_paid": "15.00",
        "patient_responsibility": "20.00",
        "insurance_balance": "50.00",
        "patient_balance": "5.00",
        "status": "insurance_pending",
    }


def test_a_claim_moves_through_statuses_as_entries_arrive() -> None:
    entries = [charge("C3", "100.00")]
    assert claim_balance(entries, "C3").status is ClaimLedgerStatus.INSURANCE_PENDING
    entries.append(insurance_payment("C3", "70.00", "10.00", "20.00", date(2025, 4, 1)))
    assert claim_balance(entries, "C3").status is ClaimLedgerStatus.PATIENT_DUE
    entries.append(
        patient_payment_entry(
            id="pp3", claim="C3", guarantor_id="G1", amount=D("25.00"), entry_date=date(2025, 5, 1)
        )
    )
    assert claim_balance(entries, "C3").status is ClaimLedgerStatus.CREDIT_BALANCE
    entries.append(
        refund_entry(
            id="r3",
            claim="C3",
            from_account=patient_ar("G1"),
            amount=D("5.00"),
            entry_date=date(2025, 5, 3),
            payee="G1",
        )
    )
    refunded = claim_balance(entries, "C3")
    assert refunded.status is ClaimLedgerStatus.CLOSED
    assert refunded.patient_paid == D("20.00"), "a refund gives back part of what the patient paid"
    assert claim_balances(entries)["C3"].balance == 0
    assert claim_balance([], "C9").status is ClaimLedgerStatus.NO_CHARGE


def test_a_write_off_and_a_transfer_move_balances_without_changing_the_total() -> None:
    entries = [charge("C4", "100.00")]
    entries.append(
        transfer_entry(
            id="t4",
            claim="C4",
            from_account=insurance_ar("87726"),
            to_account=patient_ar("G1"),
            amount=D("100.00"),
            entry_date=date(2025, 6, 1),
        )
    )
    entries.append(
        write_off_entry(
            id="w4",
            claim="C4",
            from_account=patient_ar("G1"),
            amount=D("100.00"),
            entry_date=date(2025, 9, 1),
            kind=AccountKind.BAD_DEBT,
        )
    )
    summary = claim_balance(entries, "C4")
    assert (summary.adjustments, summary.balance, summary.patient_responsibility) == (
        D("100.00"),
        0,
        D("100.00"),
    )
    assert balance(entries, AccountKind.BAD_DEBT) == D("100.00")
    assert trial_balance(entries).total == 0
