"""Credit balances, refunds and small-balance write-offs on guarantor accounts.

A credit balance is money the practice holds that the guarantor does not owe: a claim whose
patient A/R went below zero (paid, then the payer lowered the patient share), or credit held
for a guarantor with nothing left to apply it to. `find_credit_balances` lists them;
`RefundProposal`s wait for a person's approval, and only an approved one becomes journal
entries (`refund_entries`: moved to refunds payable; `refund_paid_entries`: the check sent).
`small_balance_write_offs` writes off a guarantor's whole balance when it is at or below the
practice's threshold, so nobody is billed 0.37.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO
from openrcm.ledger.accounts import AccountKind, patient_ar, refunds_payable
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind, entry
from openrcm.ledger.journal import refund_paid_entry, write_off_entry
from openrcm.patients.accounts import GuarantorClaim, credit_account, credit_party


class RefundStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"  # posted to refunds payable
    REJECTED = "rejected"
    PAID = "paid"  # the refund check went out


@dataclass(frozen=True, slots=True)
class CreditBalance:
    """Money held for a guarantor that nothing owes: on a claim, or as unapplied credit.

    claim: the claim with a negative patient balance (None: held credit); pool: for held
    credit, the claim it was earmarked for (None: not earmarked).
    """

    guarantor_id: str
    amount: Decimal
    claim: str | None = None
    pool: str | None = None
    patient_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundProposal:
    """A refund waiting for (or past) approval. Nothing is posted until it is approved."""

    id: str
    guarantor_id: str
    amount: Decimal
    proposed_on: date
    claim: str | None = None
    pool: str | None = None
    patient_id: str | None = None
    status: RefundStatus = RefundStatus.PROPOSED
    decided_on: date | None = None
    decided_by: str | None = None


def find_credit_balances(
    claims: Sequence[GuarantorClaim],
    held: Mapping[str | None, Decimal],
    guarantor_id: str,
) -> list[CreditBalance]:
    """Credit balances of one guarantor. Held credit counts only when no claim could still
    take it: nothing due and no claim pending with insurance (a copay waits for its visit)."""
    found = [
        CreditBalance(c.guarantor_id, -c.patient_balance, claim=c.claim, patient_id=c.patient_id)
        for c in claims
        if not c.pending and c.patient_balance < 0
    ]
    nothing_open = not any(c.pending or c.account.due > 0 for c in claims)
    if nothing_open:
        found.extend(
            CreditBalance(guarantor_id, amount, pool=pool)
            for pool, amount in sorted(held.items(), key=lambda kv: kv[0] or "")
            if amount > 0
        )
    return found


def refund_entries(proposal: RefundProposal, *, on: date) -> list[JournalEntry]:
    """An approved refund: the credit moved to refunds payable (owed to the guarantor)."""
    payee = refunds_payable(credit_party(proposal.guarantor_id))
    source = credit_account(proposal.guarantor_id)
    if proposal.claim is not None:
        source = patient_ar(proposal.guarantor_id)
    return [
        entry(
            id=f"refund:{proposal.id}",
            entry_date=on,
            source=SourceKind.REFUND,
            source_id=proposal.id,
            legs=(
                Leg(source, proposal.amount, None, "refund", proposal.pool),
                Leg(payee, -proposal.amount, None, "refund"),
            ),
            claim=proposal.claim,
            patient_id=proposal.patient_id,
        )
    ]


def refund_paid_entries(proposal: RefundProposal, *, on: date) -> list[JournalEntry]:
    """The refund check sent: refunds payable cleared, deposits down."""
    return [
        refund_paid_entry(
            id=f"refund-paid:{proposal.id}",
            amount=proposal.amount,
            entry_date=on,
            payee=credit_party(proposal.guarantor_id),
        )
    ]


def small_balance_write_offs(
    claims: Sequence[GuarantorClaim],
    threshold: Decimal,
    *,
    on: date,
    id_prefix: str,
) -> list[JournalEntry]:
    """Write off a guarantor's balance when everything due is at or below `threshold`.

    Only when nothing is pending with insurance (more may come) and the total due is above
    zero; one entry per claim, to the write-off account, reason "small_balance".
    """
    if threshold <= 0 or any(c.pending for c in claims):
        return []
    owing = [c for c in claims if c.account.due > 0]
    total = sum((c.account.due for c in owing), ZERO)
    if total <= 0 or total > threshold:
        return []
    return [
        write_off_entry(
            id=f"{id_prefix}:small:{c.claim}",
            claim=c.claim,
            from_account=patient_ar(c.guarantor_id),
            amount=c.account.due,
            entry_date=on,
            kind=AccountKind.WRITE_OFF,
            reason="small_balance",
            patient_id=c.patient_id,
        )
        for c in owing
    ]
