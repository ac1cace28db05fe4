"""The earlier postings a new remittance needs, indexed: balances, originals, refunds, checks.

Posting is pure: the caller passes the history (the entries already in the ledger for the
claims in the 835, and the payer's refunds-payable entries); `Book` indexes it and takes
each new entry as it is built, so a reversal later in the same 835 finds the payment
posted earlier in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from openrcm.domain.money import ZERO
from openrcm.ledger.accounts import Account, AccountKind
from openrcm.ledger.entries import JournalEntry, SourceKind

_INSURANCE_AR = AccountKind.INSURANCE_AR
_REFUNDS_PAYABLE = AccountKind.REFUNDS_PAYABLE


class Book:
    """Earlier and new entries, indexed for posting."""

    def __init__(self, history: Iterable[JournalEntry] = ()) -> None:
        self.checks: set[str] = set()
        self.ids: set[str] = set()
        self.reversed: set[str] = set()
        self._by_claim: dict[str, list[JournalEntry]] = defaultdict(list)
        self._ar: dict[tuple[str, Account, int | None], Decimal] = defaultdict(lambda: ZERO)
        self._ar_total: dict[tuple[str, Account], Decimal] = defaultdict(lambda: ZERO)
        self._refunds: dict[tuple[str | None, str], Decimal] = defaultdict(lambda: ZERO)
        self._claim_by_payer_number: dict[str, str] = {}
        for e in history:
            self.add(e)

    def add(self, e: JournalEntry) -> None:
        self.ids.add(e.id)
        if e.check:
            self.checks.add(e.check)
        if e.reverses:
            self.reversed.add(e.reverses)
        claim = e.claim
        if claim is not None:
            self._by_claim[claim].append(e)
            if e.payer_claim_number:
                self._claim_by_payer_number.setdefault(e.payer_claim_number, claim)
        ar, ar_total = self._ar, self._ar_total
        for leg in e.legs:
            account = leg.account
            kind = account.kind
            if kind is _INSURANCE_AR:
                if claim is not None:
                    ar[(claim, account, leg.line)] += leg.amount
                    ar_total[(claim, account)] += leg.amount
            elif kind is _REFUNDS_PAYABLE and leg.reference:
                self._refunds[(account.party, leg.reference)] += leg.amount

    def entries_for(self, claim: str) -> list[JournalEntry]:
        return self._by_claim.get(claim, [])

    def ar(self, claim: str, account: Account, line: int | None) -> Decimal:
        """The claim's balance on `account` for one line (None: amounts kept at claim level)."""
        return self._ar.get((claim, account, line), ZERO)

    def ar_total(self, claim: str, account: Account) -> Decimal:
        return self._ar_total.get((claim, account), ZERO)

    def refund_owed(self, party: str | None, reference: str) -> Decimal:
        """What refunds payable owes the party under this reference (positive when owed)."""
        return -self._refunds.get((party, reference), ZERO)

    def claim_by_payer_number(self, payer_claim_number: str) -> str | None:
        """The claim (patient control number) an earlier 835 tied to this payer claim number."""
        return self._claim_by_payer_number.get(payer_claim_number)

    def original_payment(
        self, claim: str, payer_id: str, payer_claim_number: str | None
    ) -> JournalEntry | None:
        """The latest unreversed 835 payment by this payer on this claim that a reversal negates.

        With a payer claim number (CLP07), only a payment carrying the same one qualifies.
        """
        for e in reversed(self.entries_for(claim)):
            if (
                e.source is SourceKind.CLAIM_PAYMENT
                and e.payer_id == payer_id
                and e.reverses is None
                and e.id not in self.reversed
                and e.adjudication_status != "22"
                and (payer_claim_number is None or e.payer_claim_number == payer_claim_number)
            ):
                return e
        return None
