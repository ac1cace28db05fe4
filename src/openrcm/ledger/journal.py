"""Entries for what a practice records by hand: charges, patient payments, transfers, write-offs.

Each builder returns one balanced `JournalEntry` tied to a claim (by its patient control
number, CLM01). 835 postings are built by `openrcm.remit`; these cover the rest of a claim's
life. Ids are the caller's: the same event must build the same id.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openrcm.domain.claim import Claim
from openrcm.ledger.accounts import (
    DEPOSITS,
    REVENUE,
    Account,
    AccountKind,
    insurance_ar,
    patient_ar,
    refunds_payable,
)
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind, entry


def guarantor_of(claim: Claim) -> str:
    """Who is billed for the patient's share: the patient's guarantor, else the patient."""
    return claim.patient.guarantor_id or claim.patient.id


def charge_entry(claim: Claim, *, entry_date: date | None = None) -> JournalEntry:
    """The claim's lines billed to its payer: insurance A/R up, revenue credited, per line."""
    ar = insurance_ar(claim.payer.id)
    legs: list[Leg] = []
    for line in claim.lines:
        legs.append(Leg(ar, line.charge_amount, line.number, "charge"))
        legs.append(Leg(REVENUE, -line.charge_amount, line.number, "charge"))
    return entry(
        id=f"charge:{claim.id}",
        entry_date=entry_date or claim.first_service_date,
        source=SourceKind.CHARGE,
        source_id=claim.id,
        legs=legs,
        claim=claim.patient_control_number,
        patient_id=claim.patient.id,
        payer_id=claim.payer.id,
    )


def patient_payment_entry(
    *,
    id: str,
    claim: str,
    guarantor_id: str,
    amount: Decimal,
    entry_date: date,
    patient_id: str | None = None,
    line: int | None = None,
) -> JournalEntry:
    """A patient (or guarantor) payment applied to a claim: deposits up, patient A/R down."""
    return entry(
        id=id,
        entry_date=entry_date,
        source=SourceKind.PATIENT_PAYMENT,
        source_id=id,
        legs=(
            Leg(DEPOSITS, amount, line, "patient_paid"),
            Leg(patient_ar(guarantor_id), -amount, line, "patient_paid"),
        ),
        claim=claim,
        patient_id=patient_id,
    )


def transfer_entry(
    *,
    id: str,
    claim: str,
    from_account: Account,
    to_account: Account,
    amount: Decimal,
    entry_date: date,
    reason: str = "transfer",
    patient_id: str | None = None,
    line: int | None = None,
) -> JournalEntry:
    """A balance moved from one party to another (a payer to the patient, one payer to another)."""
    return entry(
        id=id,
        entry_date=entry_date,
        source=SourceKind.TRANSFER,
        source_id=id,
        legs=(
            Leg(to_account, amount, line, reason),
            Leg(from_account, -amount, line, reason),
        ),
        claim=claim,
        patient_id=patient_id,
    )


def write_off_entry(
    *,
    id: str,
    claim: str,
    from_account: Account,
    amount: Decimal,
    entry_date: date,
    kind: AccountKind = AccountKind.WRITE_OFF,
    reason: str = "write_off",
    patient_id: str | None = None,
    line: int | None = None,
) -> JournalEntry:
    """A balance the practice gives up on: written off, adjusted, or sent to bad debt."""
    if kind not in {
        AccountKind.WRITE_OFF,
        AccountKind.BAD_DEBT,
        AccountKind.OTHER_ADJUSTMENT,
        AccountKind.CONTRACTUAL_ADJUSTMENT,
    }:
        raise ValueError(f"{kind.value} is not an adjustment account")
    return entry(
        id=id,
        entry_date=entry_date,
        source=SourceKind.ADJUSTMENT,
        source_id=id,
        legs=(Leg(Account(kind), amount, line, reason), Leg(from_account, -amount, line, reason)),
        claim=claim,
        patient_id=patient_id,
    )


def refund_entry(
    *,
    id: str,
    claim: str,
    from_account: Account,
    amount: Decimal,
    entry_date: date,
    payee: str | None = None,
    patient_id: str | None = None,
) -> JournalEntry:
    """A credit balance on a claim (overpaid by `amount`) moved to refunds payable."""
    return entry(
        id=id,
        entry_date=entry_date,
        source=SourceKind.REFUND,
        source_id=id,
        legs=(Leg(from_account, amount, None, "refund"), Leg(refunds_payable(payee), -amount)),
        claim=claim,
        patient_id=patient_id,
    )


def refund_paid_entry(
    *, id: str, amount: Decimal, entry_date: date, payee: str | None = None
) -> JournalEntry:
    """A refund sent: refunds payable cleared, deposits down."""
    return entry(
        id=id,
        entry_date=entry_date,
        source=SourceKind.REFUND,
        source_id=id,
        legs=(Leg(refunds_payable(payee), amount, None, "refund"), Leg(DEPOSITS, -amount)),
    )
