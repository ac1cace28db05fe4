"""Guarantor accounts derived from the ledger: each claim's money as the guarantor sees it.

A guarantor (a parent for a child, one adult for a family) is billed for the patient share of
every claim of the patients who point at them. The ledger keeps that share on the
guarantor's patient A/R account (`patient_ar:G`); `claim_accounts` reads the journal entries
of many claims in one pass and returns, per guarantor, one `ClaimAccount` per claim with its
charge, insurance paid, adjustments, patient payments and what is due. A claim is *insurance
pending* (nothing due) while any payer still holds a balance on it, while a secondary claim
built from its remittance waits to be billed, or while it has no adjudication at all.

Guarantor credit (copays collected at the visit, overpayments) is held on
`unapplied_cash:guarantor.G` until it can be applied; `credit_party` names that party.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openrcm.domain.money import ZERO
from openrcm.ledger.accounts import Account, AccountKind, patient_ar, unapplied_cash
from openrcm.ledger.balances import ClaimBalance, ClaimLedgerStatus, claim_balance
from openrcm.ledger.entries import JournalEntry, SourceKind
from openrcm.patients.statements import ClaimAccount, share_kind

CREDIT_PREFIX = "guarantor."
"""Party prefix of a guarantor's credit accounts, kept apart from payers' unapplied cash."""

_RESPONSIBILITY_SOURCES = frozenset({SourceKind.CLAIM_PAYMENT, SourceKind.TRANSFER})


def credit_party(guarantor_id: str) -> str:
    """The account party for a guarantor's held credit and refunds: `guarantor.G100`."""
    return f"{CREDIT_PREFIX}{guarantor_id}"


def credit_account(guarantor_id: str) -> Account:
    """Unapplied cash held for a guarantor (copays before adjudication, overpayments)."""
    return unapplied_cash(credit_party(guarantor_id))


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the ledger does not know about a claim: whose it is and what was done.

    patient_control_number: CLM01; patient_id and patient_name: the patient seen;
    service_date: the first date of service; description: the services, for people (codes
    only: openrcm ships no CPT descriptors); charge: the claim total (CLM02), used while no
    charge is posted; guarantor_id: who is billed for the patient share today.
    """

    patient_control_number: str
    patient_id: str
    patient_name: str
    service_date: date
    description: str
    charge: Decimal
    guarantor_id: str
    closed: bool = False  # void or rejected: nothing to bill


@dataclass(frozen=True, slots=True)
class GuarantorClaim:
    """One claim of a guarantor: its statement line and the ledger facts behind it."""

    account: ClaimAccount
    balance: ClaimBalance | None
    guarantor_id: str  # the party of the claim's patient A/R in the ledger
    patient_id: str

    @property
    def patient_balance(self) -> Decimal:
        return self.balance.patient_balance if self.balance is not None else ZERO

    @property
    def pending(self) -> bool:
        return self.account.insurance_pending

    @property
    def claim(self) -> str:
        return self.account.patient_control_number


def _ledger_guarantor(entries: Iterable[JournalEntry]) -> str | None:
    """The guarantor whose patient A/R carries the claim: the last party with a balance."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    last: str | None = None
    for e in entries:
        for leg in e.legs:
            if leg.account.kind is AccountKind.PATIENT_AR and leg.account.party:
                totals[leg.account.party] += leg.amount
                last = leg.account.party
    open_parties = [party for party, amount in totals.items() if amount != 0]
    return open_parties[-1] if open_parties else last


def _responsibility_date(entries: Iterable[JournalEntry]) -> date | None:
    """When the patient share last grew: the adjudication (or transfer) that put it there."""
    found: date | None = None
    for e in entries:
        if e.source in _RESPONSIBILITY_SOURCES and any(
            leg.account.kind is AccountKind.PATIENT_AR and leg.amount > 0 for leg in e.legs
        ):
            found = e.entry_date if found is None else max(found, e.entry_date)
    return found


def _patient_share(entries: Iterable[JournalEntry]) -> tuple[tuple[str, Decimal], ...]:
    """The patient share payers adjudicated, by kind, from the 835 entries' PR legs."""
    totals: dict[str, Decimal] = {}
    for e in entries:
        if e.source is not SourceKind.CLAIM_PAYMENT:
            continue
        for leg in e.legs:
            if leg.account.kind is AccountKind.PATIENT_AR:
                kind = share_kind(leg.reason)
                totals[kind] = totals.get(kind, ZERO) + leg.amount
    order = ("deductible", "coinsurance", "copay", "other")
    return tuple((k, totals[k]) for k in order if totals.get(k, ZERO) != 0)


def claim_account(
    facts: ClaimFacts,
    entries: list[JournalEntry],
    *,
    awaiting_next_payer: bool = False,
) -> GuarantorClaim:
    """One claim as its guarantor sees it, from the claim's journal entries.

    awaiting_next_payer: a secondary (or tertiary) claim built from a remittance has not
    been billed or decided yet; the claim stays insurance pending whatever its balances say.
    """
    pcn = facts.patient_control_number
    if not entries or not any(e.source is SourceKind.CHARGE for e in entries):
        paid = ZERO
        pending_account = ClaimAccount(
            pcn,
            facts.patient_name,
            facts.service_date,
            facts.description,
            facts.charge if not facts.closed else ZERO,
            paid,
            ZERO,
            ZERO,
            ZERO,
            not facts.closed,
        )
        return GuarantorClaim(pending_account, None, facts.guarantor_id, facts.patient_id)
    summary = claim_balance(entries, pcn)
    guarantor = _ledger_guarantor(entries) or facts.guarantor_id
    pending = (
        awaiting_next_payer
        or summary.insurance_balance > 0
        or summary.status is ClaimLedgerStatus.INSURANCE_PENDING
    )
    patient_adjustments = (
        ZERO
        if pending
        else summary.patient_responsibility - summary.patient_paid - summary.patient_balance
    )
    account = ClaimAccount(
        pcn,
        facts.patient_name,
        facts.service_date,
        facts.description,
        summary.charge,
        summary.insurance_paid,
        summary.adjustments,
        summary.patient_paid,
        summary.patient_responsibility,
        pending,
        None if pending else (_responsibility_date(entries) or facts.service_date),
        patient_adjustments=patient_adjustments,
        patient_share=() if pending else _patient_share(entries),
    )
    return GuarantorClaim(account, summary, guarantor, facts.patient_id)


def claim_accounts(
    facts: Mapping[str, ClaimFacts],
    entries: Iterable[JournalEntry],
    *,
    awaiting_next_payer: frozenset[str] | set[str] = frozenset(),
) -> dict[str, list[GuarantorClaim]]:
    """Every claim in `facts`, grouped by the guarantor who carries it, oldest first.

    `entries` may hold any entries (other claims' are ignored); claims with no entries are
    insurance pending at their full charge (billed, nothing back yet).
    """
    by_claim: dict[str, list[JournalEntry]] = defaultdict(list)
    for e in entries:
        if e.claim is not None and e.claim in facts:
            by_claim[e.claim].append(e)
    grouped: dict[str, list[GuarantorClaim]] = defaultdict(list)
    for pcn, fact in facts.items():
        found = claim_account(
            fact, by_claim.get(pcn, []), awaiting_next_payer=pcn in awaiting_next_payer
        )
        grouped[found.guarantor_id].append(found)
    for claims in grouped.values():
        claims.sort(key=lambda c: (c.account.service_date, c.claim))
    return dict(grouped)


def held_credit(entries: Iterable[JournalEntry], guarantor_id: str) -> dict[str | None, Decimal]:
    """Credit held for a guarantor, by the claim it was collected for (None: not earmarked).

    A copay taken at the visit is earmarked for that visit's claim (the reference on its
    unapplied-cash leg) and waits for it; general credit goes to any claim, oldest first.
    """
    account = credit_account(guarantor_id)
    held: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        for leg in e.legs:
            if leg.account == account:
                held[leg.reference] -= leg.amount
    return {key: amount for key, amount in held.items() if amount != 0}


def patient_ar_account(claim: GuarantorClaim) -> Account:
    """The patient A/R account the claim's patient share sits on."""
    return patient_ar(claim.guarantor_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class GuarantorAccountState:
    """What is stored per guarantor between cycles: dunning and collection standing.

    dunning_level / last_statement_date: of the last cycle statement; stage: a
    `agency.CollectionStage` value; debt_id: the debt in collection; time_zone: for the
    contact-hours rule; disputed / verification_sent / cease_communication: FDCPA flags;
    validation_notice: the notice sent, as stored JSON (None: not sent); letter_on: the
    pre-collection letter's date; agency_id / assigned_on: the placement.
    """

    guarantor_id: str
    dunning_level: int | None = None
    last_statement_date: date | None = None
    stage: str = "none"
    debt_id: str | None = None
    time_zone: str = "America/New_York"
    disputed: bool = False
    verification_sent: bool = False
    cease_communication: bool = False
    validation_notice: str | None = None
    letter_on: date | None = None
    agency_id: str | None = None
    assigned_on: date | None = None
