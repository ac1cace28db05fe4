"""Balances derived from journal entries, never stored: by account, claim, line, patient, payer, date.

Every figure here is a sum over entries, so a correction (a new entry) changes it and
nothing needs updating. `claim_balance` gives one claim's summary with the keys of
`openrcm ledger balance`; `trial_balance` lists every account and always totals zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO, format_money
from openrcm.ledger.accounts import ADJUSTMENT_KINDS, CASH_KINDS, Account, AccountKind
from openrcm.ledger.entries import JournalEntry, SourceKind

PENDING_PREFIX = "COB:"
"""Reason prefix of the leg that parks patient responsibility with the next payer ("COB:PR-1")."""

_AR_KINDS = frozenset({AccountKind.INSURANCE_AR, AccountKind.PATIENT_AR})
_RESPONSIBILITY_SOURCES = frozenset(
    {SourceKind.CLAIM_PAYMENT, SourceKind.TRANSFER, SourceKind.PROVIDER_ADJUSTMENT}
)


def _in_scope(
    e: JournalEntry, claim: str | None, patient_id: str | None, through: date | None
) -> bool:
    return (
        (claim is None or e.claim == claim)
        and (patient_id is None or e.patient_id == patient_id)
        and (through is None or e.entry_date <= through)
    )


def balances(
    entries: Iterable[JournalEntry],
    *,
    claim: str | None = None,
    line: int | None = None,
    patient_id: str | None = None,
    through: date | None = None,
) -> dict[Account, Decimal]:
    """Each account's balance over the entries in scope (debit positive).

    claim: a patient control number; line: a service line of that claim; patient_id: the
    patient's entries; through: entries dated on or before this day.
    """
    totals: dict[Account, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if not _in_scope(e, claim, patient_id, through):
            continue
        for leg in e.legs:
            if line is None or leg.line == line:
                totals[leg.account] += leg.amount
    return dict(totals)


def balance(
    entries: Iterable[JournalEntry],
    account: Account | AccountKind,
    *,
    claim: str | None = None,
    line: int | None = None,
    patient_id: str | None = None,
    through: date | None = None,
) -> Decimal:
    """One account's balance, or the sum over every account of a kind, in scope."""
    found = balances(entries, claim=claim, line=line, patient_id=patient_id, through=through)
    if isinstance(account, Account):
        return found.get(account, ZERO)
    return sum((v for a, v in found.items() if a.kind is account), ZERO)


def ar_by_payer(
    entries: Iterable[JournalEntry], *, through: date | None = None
) -> dict[str, Decimal]:
    """Insurance A/R per payer id: what each payer still owes (or is pending with)."""
    return _by_party(entries, AccountKind.INSURANCE_AR, through)


def ar_by_guarantor(
    entries: Iterable[JournalEntry], *, through: date | None = None
) -> dict[str, Decimal]:
    """Patient A/R per guarantor id: what each guarantor owes."""
    return _by_party(entries, AccountKind.PATIENT_AR, through)


def _by_party(
    entries: Iterable[JournalEntry], kind: AccountKind, through: date | None
) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for account, amount in balances(entries, through=through).items():
        if account.kind is kind and account.party is not None:
            totals[account.party] += amount
    return dict(totals)


def ar_by_claim(entries: Iterable[JournalEntry]) -> dict[str, Decimal]:
    """Open A/R (insurance plus patient) per claim."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if e.claim is not None:
            for leg in e.legs:
                if leg.account.kind in _AR_KINDS:
                    totals[e.claim] += leg.amount
    return dict(totals)


@dataclass(frozen=True, slots=True)
class TrialBalance:
    """Every account with its balance; `total` is zero in a sound ledger."""

    accounts: tuple[tuple[Account, Decimal], ...]
    total: Decimal

    def as_json(self) -> dict[str, object]:
        return {
            "accounts": [{"account": str(a), "balance": format_money(v)} for a, v in self.accounts],
            "total": format_money(self.total),
        }


def trial_balance(entries: Iterable[JournalEntry], *, through: date | None = None) -> TrialBalance:
    """The trial balance: each account's balance, sorted by name, and their total."""
    found = balances(entries, through=through)
    rows = tuple(sorted(found.items(), key=lambda item: str(item[0])))
    return TrialBalance(rows, sum(found.values(), ZERO))


class ClaimLedgerStatus(StrEnum):
    """Where a claim's money stands, derived from its entries."""

    NO_CHARGE = "no_charge"  # entries but no charge posted
    INSURANCE_PENDING = "insurance_pending"  # a payer still has to pay or decide
    DENIED = "denied"  # the last adjudication denied it; nothing is due from the patient
    PATIENT_DUE = "patient_due"  # insurance is done; the patient owes the rest
    CREDIT_BALANCE = "credit_balance"  # overpaid: someone is owed a refund
    CLOSED = "closed"  # nothing owed either way


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimBalance:
    """One claim's money, as `openrcm ledger balance --claim` shows it.

    insurance_balance + patient_balance == charge - insurance_paid - patient_paid - adjustments
    always holds, because each entry balances. insurance_paid is net of interest.
    patient_responsibility is what payers have put on the patient: adjudicated, plus the
    amount pending with a payer that has not decided yet.
    """

    claim: str
    charge: Decimal
    insurance_paid: Decimal
    adjustments: Decimal
    patient_paid: Decimal
    patient_responsibility: Decimal
    insurance_balance: Decimal
    patient_balance: Decimal
    status: ClaimLedgerStatus
    pending_payers: tuple[str, ...] = ()
    interest: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.insurance_balance + self.patient_balance

    @property
    def insurance_pending(self) -> bool:
        return self.insurance_balance > 0

    def as_json(self) -> dict[str, object]:
        money = {
            key: format_money(getattr(self, key))
            for key in (
                "charge",
                "insurance_paid",
                "adjustments",
                "patient_paid",
                "patient_responsibility",
                "insurance_balance",
                "patient_balance",
            )
        }
        return {"claim": self.claim, **money, "status": self.status.value}


def claim_balance(entries: Iterable[JournalEntry], claim: str) -> ClaimBalance:
    """The summary of one claim (by patient control number) from its entries."""
    return _summarise(claim, [e for e in entries if e.claim == claim])


def claim_balances(entries: Iterable[JournalEntry]) -> Mapping[str, ClaimBalance]:
    """Every claim's summary, in one pass over the entries."""
    grouped: dict[str, list[JournalEntry]] = defaultdict(list)
    for e in entries:
        if e.claim is not None:
            grouped[e.claim].append(e)
    return {claim: _summarise(claim, found) for claim, found in grouped.items()}


def active_adjudications(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    """835 claim payments that stand: not reversed and not reversals themselves, by date."""
    listed = list(entries)
    reversed_ids = {e.reverses for e in listed if e.reverses}
    return sorted(
        (
            e
            for e in listed
            if e.source is SourceKind.CLAIM_PAYMENT
            and e.reverses is None
            and e.adjudication_status != "22"
            and e.id not in reversed_ids
        ),
        key=lambda e: e.entry_date,
    )


def _summarise(claim: str, entries: list[JournalEntry]) -> ClaimBalance:
    charge = insurance_paid = patient_paid = adjustments = interest = ZERO
    insurance = patient = responsibility = ZERO
    pending_pr: dict[str, Decimal] = defaultdict(lambda: ZERO)
    insurance_by_payer: dict[str, Decimal] = defaultdict(lambda: ZERO)
    has_charge = False
    for e in entries:
        has_charge = has_charge or e.source is SourceKind.CHARGE
        # cash a payer sent is never the patient's, even when its A/R legs netted to zero
        patient_side = (
            not e.source.insurance
            and any(leg.account.kind is AccountKind.PATIENT_AR for leg in e.legs)
            and not any(leg.account.kind is AccountKind.INSURANCE_AR for leg in e.legs)
        )
        for leg in e.legs:
            kind = leg.account.kind
            if kind is AccountKind.REVENUE:
                charge -= leg.amount
            elif kind in ADJUSTMENT_KINDS:
                adjustments += leg.amount
            elif kind in CASH_KINDS or kind is AccountKind.INTEREST_INCOME:
                if kind is AccountKind.INTEREST_INCOME:
                    interest -= leg.amount
                if patient_side:
                    patient_paid += leg.amount
                else:
                    insurance_paid += leg.amount
            elif kind is AccountKind.INSURANCE_AR:
                insurance += leg.amount
                insurance_by_payer[leg.account.party or ""] += leg.amount
                if leg.reason and leg.reason.startswith(PENDING_PREFIX):
                    pending_pr[leg.account.party or ""] += leg.amount
            elif kind is AccountKind.PATIENT_AR:
                patient += leg.amount
                if e.source in _RESPONSIBILITY_SOURCES:
                    responsibility += leg.amount
    adjudications = active_adjudications(entries)
    decided = {e.payer_id for e in adjudications}
    pending = tuple(sorted(p for p, v in insurance_by_payer.items() if v > 0 and p not in decided))
    responsibility += sum((v for p, v in pending_pr.items() if p not in decided), ZERO)
    if not has_charge:
        status = ClaimLedgerStatus.NO_CHARGE
    elif insurance < 0 or patient < 0:
        status = ClaimLedgerStatus.CREDIT_BALANCE
    elif (
        adjudications
        and adjudications[-1].adjudication_status == "4"
        and patient == 0
        and not pending
    ):
        status = ClaimLedgerStatus.DENIED
    elif insurance > 0:
        status = ClaimLedgerStatus.INSURANCE_PENDING
    elif patient > 0:
        status = ClaimLedgerStatus.PATIENT_DUE
    else:
        status = ClaimLedgerStatus.CLOSED
    return ClaimBalance(
        claim=claim,
        charge=charge,
        insurance_paid=insurance_paid,
        adjustments=adjustments,
        patient_paid=patient_paid,
        patient_responsibility=responsibility,
        insurance_balance=insurance,
        patient_balance=patient,
        status=status,
        pending_payers=pending,
        interest=interest,
    )
