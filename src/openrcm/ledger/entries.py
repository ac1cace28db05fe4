"""Journal entries: immutable, balanced records of money moving between accounts.

A `JournalEntry` says when, why (its source document: a charge, an 835 claim payment, a
patient payment, a transfer, a provider-level adjustment) and for which claim money moved,
as legs that sum to zero. Building an unbalanced entry raises `UnbalancedEntry`: that is a
programmer error, never a finding. Entries are never edited; a correction is a new entry,
usually `reversal_of(entry)` followed by the corrected one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO
from openrcm.ledger.accounts import Account, AccountKind

_CENT = Decimal("0.01")


class UnbalancedEntry(ValueError):
    """An entry whose legs do not sum to zero was about to be built."""


class SourceKind(StrEnum):
    """The kind of document an entry comes from."""

    CHARGE = "charge"  # a claim's lines billed: A/R up, revenue
    CLAIM_PAYMENT = "claim_payment"  # one 835 CLP: paid, adjusted, moved to the next party
    PROVIDER_ADJUSTMENT = "provider_adjustment"  # one 835 PLB adjustment
    UNAPPLIED = "unapplied"  # 835 money for a claim openrcm could not find
    PATIENT_PAYMENT = "patient_payment"  # a payment from the patient or guarantor
    TRANSFER = "transfer"  # a balance moved between parties (insurance to patient, ...)
    ADJUSTMENT = "adjustment"  # a write-off or bad-debt decision by the practice
    REFUND = "refund"  # a credit balance moved to refunds payable
    CORRECTION = "correction"  # the reversal of an earlier entry made by hand

    @property
    def insurance(self) -> bool:
        """True for entries that come from a payer's remittance."""
        return self in _INSURANCE_SOURCES


_INSURANCE_SOURCES = frozenset(
    {SourceKind.CLAIM_PAYMENT, SourceKind.PROVIDER_ADJUSTMENT, SourceKind.UNAPPLIED}
)


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of a journal entry: a signed amount (debit +, credit -) to one account.

    `line` is the claim's service line (LX01) when the amount belongs to one line; `reason`
    says what the amount is ("charge", "paid", "interest", "CO-45", "PR-1"), and `reference`
    carries an outside reference such as a PLB03-2 claim number.
    """

    account: Account
    amount: Decimal
    line: int | None = None
    reason: str | None = None
    reference: str | None = None

    def __post_init__(self) -> None:
        amount = self.amount
        if not isinstance(amount, Decimal):
            raise TypeError(f"a ledger amount must be a Decimal, not {type(amount).__name__}")
        if not amount.is_finite() or amount != amount.quantize(_CENT):
            raise ValueError(f"a ledger amount is whole cents; {amount} is not")

    def negated(self) -> Leg:
        return Leg(self.account, -self.amount, self.line, self.reason, self.reference)


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalEntry:
    """One balanced journal entry, tied to its source document and, usually, one claim.

    id: unique and stable; the same source builds the same id, so posting twice is visible.
    entry_date: the accounting date (the 835's payment date, the payment's date).
    source: the kind of document; source_id: that document's id (claim id, check#CLP index).
    legs: the amounts, summing to zero.
    claim: the claim's patient control number (CLM01), the ledger's key for a claim.
    patient_id: the patient the claim is for.
    payer_id: the payer whose document this is (835 entries) or who was billed (charges).
    check: the payment (payer and TRN02 trace number) an 835 entry arrived with.
    payer_claim_number: the payer's claim control number (CLP07).
    adjudication_status: CLP02 for 835 claim payments ("1", "4", "22", ...).
    reverses: the id of the entry this one negates.
    memo: a short note for people; never patient data.
    """

    id: str
    entry_date: date
    source: SourceKind
    source_id: str
    legs: tuple[Leg, ...]
    claim: str | None = None
    patient_id: str | None = None
    payer_id: str | None = None
    check: str | None = None
    payer_claim_number: str | None = None
    adjudication_status: str | None = None
    reverses: str | None = None
    memo: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.legs, tuple):
            object.__setattr__(self, "legs", tuple(self.legs))
        if not isinstance(self.source, SourceKind):
            object.__setattr__(self, "source", SourceKind(self.source))
        if not self.id:
            raise ValueError("a journal entry needs an id")
        total = sum((leg.amount for leg in self.legs), ZERO)
        if total != 0:
            raise UnbalancedEntry(
                f"entry {self.id} does not balance: its legs sum to {total}, not 0.00"
            )

    def amount(self, kind: AccountKind) -> Decimal:
        """The net of this entry's legs on accounts of `kind`."""
        return sum((leg.amount for leg in self.legs if leg.account.kind is kind), ZERO)

    @property
    def cash(self) -> Decimal:
        """The money this entry put into (or took out of) deposits."""
        return self.amount(AccountKind.DEPOSITS)


def entry(
    *,
    id: str,
    entry_date: date,
    source: SourceKind,
    source_id: str,
    legs: Iterable[Leg],
    **refs: str | None,
) -> JournalEntry:
    """Build an entry, dropping zero legs; raises `UnbalancedEntry` when the rest do not sum to 0."""
    kept = tuple(leg for leg in legs if leg.amount != 0)
    return JournalEntry(
        id=id, entry_date=entry_date, source=source, source_id=source_id, legs=kept, **refs
    )


def reversal_of(
    original: JournalEntry,
    *,
    id: str,
    entry_date: date,
    source: SourceKind = SourceKind.CORRECTION,
    source_id: str | None = None,
    **refs: str | None,
) -> JournalEntry:
    """A new entry that negates `original` leg by leg: the only way to undo an entry."""
    values: dict[str, str | None] = {
        "claim": original.claim,
        "patient_id": original.patient_id,
        "payer_id": original.payer_id,
        "payer_claim_number": original.payer_claim_number,
    }
    values.update(refs)
    return JournalEntry(
        id=id,
        entry_date=entry_date,
        source=source,
        source_id=source_id or original.source_id,
        legs=tuple(leg.negated() for leg in original.legs),
        reverses=original.id,
        **values,
    )
