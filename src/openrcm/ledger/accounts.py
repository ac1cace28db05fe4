"""Accounts of the practice's double-entry ledger: what kinds exist and how they are named.

An account is a kind (insurance A/R, patient A/R, contractual adjustment, deposits, ...) and,
for the kinds kept per party, the party: insurance A/R per payer (`insurance_ar:87726`),
patient A/R per guarantor (`patient_ar:G100`). Its text form is what storage keeps and what
`openrcm ledger trial-balance` prints. A party may be any non-blank id a practice uses: the
name percent-encodes the few characters that would make it ambiguous (`:`, `%` and control
characters), so `patient_ar:MRN:77` is written `patient_ar:MRN%3A77` and ordinary ids read
as they are. Amounts are signed: a debit is positive, a credit negative, so every entry sums
to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from urllib.parse import unquote


class AccountClass(StrEnum):
    """Where an account sits on the balance sheet; decides its normal side."""

    ASSET = "asset"  # normal debit: A/R, deposits
    LIABILITY = "liability"  # normal credit: unapplied cash, refunds payable
    INCOME = "income"  # normal credit: charges, interest
    CONTRA_INCOME = "contra_income"  # normal debit: adjustments, write-offs, bad debt


class AccountKind(StrEnum):
    """The kinds of account openrcm posts to."""

    INSURANCE_AR = "insurance_ar"  # per payer: what payers still owe on claims
    PATIENT_AR = "patient_ar"  # per guarantor: what patients owe once insurance is done
    REVENUE = "revenue"  # gross charges
    CONTRACTUAL_ADJUSTMENT = "contractual_adjustment"  # CO: the payer's contract limits
    OTHER_ADJUSTMENT = "other_adjustment"  # OA, PI, CR and provider-level adjustments
    WRITE_OFF = "write_off"  # the practice's own decision: small balances, courtesy
    BAD_DEBT = "bad_debt"  # patient balances given up on (sent to collections)
    UNAPPLIED_CASH = "unapplied_cash"  # money received that no claim could take yet
    REFUNDS_PAYABLE = "refunds_payable"  # money owed back: overpayments, forward balances
    DEPOSITS = "deposits"  # cash and EFTs received
    INTEREST_INCOME = "interest_income"  # prompt-pay interest a payer adds (PLB L6, AMT*I)

    @property
    def account_class(self) -> AccountClass:
        return _CLASS[self]

    @property
    def per_party(self) -> bool:
        """True for kinds kept per payer or guarantor; their accounts name the party."""
        return self in _PER_PARTY


_CLASS = {
    AccountKind.INSURANCE_AR: AccountClass.ASSET,
    AccountKind.PATIENT_AR: AccountClass.ASSET,
    AccountKind.DEPOSITS: AccountClass.ASSET,
    AccountKind.REVENUE: AccountClass.INCOME,
    AccountKind.INTEREST_INCOME: AccountClass.INCOME,
    AccountKind.CONTRACTUAL_ADJUSTMENT: AccountClass.CONTRA_INCOME,
    AccountKind.OTHER_ADJUSTMENT: AccountClass.CONTRA_INCOME,
    AccountKind.WRITE_OFF: AccountClass.CONTRA_INCOME,
    AccountKind.BAD_DEBT: AccountClass.CONTRA_INCOME,
    AccountKind.UNAPPLIED_CASH: AccountClass.LIABILITY,
    AccountKind.REFUNDS_PAYABLE: AccountClass.LIABILITY,
}
_PER_PARTY = frozenset({AccountKind.INSURANCE_AR, AccountKind.PATIENT_AR})

ADJUSTMENT_KINDS = frozenset(
    {
        AccountKind.CONTRACTUAL_ADJUSTMENT,
        AccountKind.OTHER_ADJUSTMENT,
        AccountKind.WRITE_OFF,
        AccountKind.BAD_DEBT,
    }
)
"""The kinds whose sum is a claim's `adjustments`."""

CASH_KINDS = frozenset(
    {AccountKind.DEPOSITS, AccountKind.UNAPPLIED_CASH, AccountKind.REFUNDS_PAYABLE}
)
"""The kinds money arrives in or leaves from: their sum on a claim is what was paid on it."""


@dataclass(frozen=True, slots=True, order=True)
class Account:
    """One ledger account: a kind and, for per-party kinds, the payer or guarantor id.

    `party` is required for insurance and patient A/R and optional elsewhere (refunds
    payable and unapplied cash may name the payer they concern).
    """

    kind: AccountKind
    party: str | None = None
    _name: str = field(default="", init=False, repr=False, compare=False)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, AccountKind):
            object.__setattr__(self, "kind", AccountKind(self.kind))
        if self.kind.per_party and not self.party:
            raise ValueError(f"a {self.kind.value} account needs a party (payer or guarantor)")
        if self.party is not None and not self.party.strip():
            raise ValueError(f"{self.party!r} cannot name an account party")
        name = (
            self.kind.value
            if self.party is None
            else f"{self.kind.value}:{encode_party(self.party)}"
        )
        object.__setattr__(self, "_name", name)  # computed once: accounts are hashed a lot
        object.__setattr__(self, "_hash", hash(name))

    def __str__(self) -> str:
        return self._name

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        # the name holds kind and party; comparing it is much cheaper than the field tuple
        if self is other:
            return True
        if other.__class__ is not Account:
            return NotImplemented
        return self._name == other._name

    @classmethod
    def parse(cls, text: str) -> Account:
        """The account named by `text`, as `str(account)` writes it: `insurance_ar:87726`."""
        kind, _, party = text.partition(":")
        return cls(AccountKind(kind), decode_party(party) if party else None)


_RESERVED = frozenset(":%")


def encode_party(party: str) -> str:
    """The party as it appears in an account name: `:`, `%` and control characters as %XX."""
    if party.isprintable() and not _RESERVED.intersection(party):
        return party
    return "".join(
        char
        if char.isprintable() and char not in _RESERVED
        else "".join(f"%{byte:02X}" for byte in char.encode())
        for char in party
    )


def decode_party(text: str) -> str:
    """The party an account name holds: `encode_party` undone."""
    return unquote(text, errors="strict") if "%" in text else text


@lru_cache(maxsize=4096)  # accounts are immutable; posting asks for the same ones per claim
def insurance_ar(payer_id: str) -> Account:
    """Insurance A/R: what payer `payer_id` still owes on claims billed or pending with it."""
    return Account(AccountKind.INSURANCE_AR, payer_id)


@lru_cache(maxsize=4096)
def patient_ar(guarantor_id: str) -> Account:
    """Patient A/R: what the guarantor owes after the last responsible payer adjudicated."""
    return Account(AccountKind.PATIENT_AR, guarantor_id)


def refunds_payable(party: str | None = None) -> Account:
    return Account(AccountKind.REFUNDS_PAYABLE, party)


def unapplied_cash(party: str | None = None) -> Account:
    return Account(AccountKind.UNAPPLIED_CASH, party)


REVENUE = Account(AccountKind.REVENUE)
CONTRACTUAL_ADJUSTMENT = Account(AccountKind.CONTRACTUAL_ADJUSTMENT)
OTHER_ADJUSTMENT = Account(AccountKind.OTHER_ADJUSTMENT)
WRITE_OFF = Account(AccountKind.WRITE_OFF)
BAD_DEBT = Account(AccountKind.BAD_DEBT)
DEPOSITS = Account(AccountKind.DEPOSITS)
INTEREST_INCOME = Account(AccountKind.INTEREST_INCOME)
