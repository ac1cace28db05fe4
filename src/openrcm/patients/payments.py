"""Patient payments: cash, check or card, applied oldest-first or to a chosen claim.

`allocate` splits a payment over the guarantor's open claims (the chosen claim first, then
the oldest); what no claim can take is held as guarantor credit. `payment_entries` turns a
payment and its allocation into journal entries: deposits up and patient A/R down per claim,
and deposits up with guarantor credit (`unapplied_cash:guarantor.G`) for the rest. A copay
taken at the visit is all credit, earmarked for the visit's claim until that claim is
adjudicated; `credit_application_entries` applies held credit once claims are due.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO, to_money
from openrcm.ledger.accounts import DEPOSITS, patient_ar
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind, entry
from openrcm.patients.accounts import credit_account

_CARD_NUMBER = re.compile(r"\d{13,19}")


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHECK = "check"
    CARD = "card"


@dataclass(frozen=True, slots=True, kw_only=True)
class PatientPayment:
    """Money received from a guarantor.

    id: unique and stable (the same receipt builds the same entries); reference: the check
    number or the card processor's authorisation or token, never a card number; claim: the
    claim the payer chose (None: oldest first); copay: collected at the visit, held until
    `claim` is adjudicated.
    """

    id: str
    guarantor_id: str
    amount: Decimal
    method: PaymentMethod
    received_on: date
    reference: str | None = None
    claim: str | None = None
    copay: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or to_money(self.amount) != self.amount:
            raise ValueError(f"a payment is a Decimal in whole cents, not {self.amount!r}")
        if self.amount <= 0:
            raise ValueError("a payment must be above zero")
        if not isinstance(self.method, PaymentMethod):
            object.__setattr__(self, "method", PaymentMethod(self.method))
        if self.method is PaymentMethod.CHECK and not self.reference:
            raise ValueError("a check payment needs the check number as its reference")
        if self.method is PaymentMethod.CARD and not self.reference:
            raise ValueError("a card payment needs the processor's authorisation as reference")
        if self.reference and _CARD_NUMBER.search(self.reference.replace(" ", "").replace("-", "")):
            raise ValueError(
                "the reference looks like a card number; store the authorisation code or the "
                "last four digits, never the number"
            )
        if self.copay and self.claim is None:
            raise ValueError("a copay is collected for a visit: name its claim")


@dataclass(frozen=True, slots=True)
class OpenItem:
    """A claim with a patient balance the guarantor can pay now.

    claim: CLM01; guarantor_id: the party of its patient A/R; due: what is left; since: when
    it became the patient's (oldest first); patient_id: the patient seen.
    """

    claim: str
    guarantor_id: str
    due: Decimal
    since: date
    patient_id: str | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """The part of a payment applied to one claim."""

    claim: str
    guarantor_id: str
    amount: Decimal
    patient_id: str | None = None


def allocate(
    amount: Decimal, items: Sequence[OpenItem], *, claim: str | None = None
) -> tuple[tuple[Allocation, ...], Decimal]:
    """Apply `amount` to `claim` first, then to the oldest open items; returns the
    allocations and what is left over (held as credit). Parts always sum to `amount`."""
    left = to_money(amount)
    ordered = sorted(items, key=lambda i: (i.claim != claim, i.since, i.claim))
    parts: list[Allocation] = []
    for item in ordered:
        if left <= 0:
            break
        take = min(left, item.due)
        if take <= 0:
            continue
        parts.append(Allocation(item.claim, item.guarantor_id, take, item.patient_id))
        left -= take
    return tuple(parts), left


def payment_entries(
    payment: PatientPayment, allocations: Sequence[Allocation], credit: Decimal
) -> list[JournalEntry]:
    """The journal entries of one payment: one per claim applied, one for the credit held."""
    if sum((a.amount for a in allocations), ZERO) + credit != payment.amount:
        raise ValueError("the allocation does not add up to the payment")
    memo = payment.method.value + (" copay" if payment.copay else "")
    built = []
    for n, part in enumerate(allocations, start=1):
        built.append(
            entry(
                id=f"pay:{payment.id}:{n}",
                entry_date=payment.received_on,
                source=SourceKind.PATIENT_PAYMENT,
                source_id=payment.id,
                legs=(
                    Leg(DEPOSITS, part.amount, None, "patient_paid", payment.reference),
                    Leg(patient_ar(part.guarantor_id), -part.amount, None, "patient_paid"),
                ),
                claim=part.claim,
                patient_id=part.patient_id,
                memo=memo,
            )
        )
    if credit > 0:
        earmark = payment.claim if payment.copay else None
        built.append(
            entry(
                id=f"pay:{payment.id}:credit",
                entry_date=payment.received_on,
                source=SourceKind.PATIENT_PAYMENT,
                source_id=payment.id,
                legs=(
                    Leg(DEPOSITS, credit, None, "patient_credit", payment.reference),
                    Leg(credit_account(payment.guarantor_id), -credit, None, "held", earmark),
                ),
                memo=memo,
            )
        )
    return built


def credit_application_entries(
    guarantor_id: str,
    held: Mapping[str | None, Decimal],
    items: Sequence[OpenItem],
    *,
    settled: frozenset[str] | set[str],
    on: date,
    id_prefix: str,
) -> list[JournalEntry]:
    """Apply held credit to claims now due: earmarked credit (a copay) to its own claim
    only, then general credit and whatever an earmarked claim did not need, oldest first.

    Credit earmarked for a claim that is not `settled` (adjudicated by its last payer)
    stays held. `id_prefix` makes the entry ids unique (e.g. the cycle date).
    """
    due = {i.claim: i for i in items if i.due > 0}
    remaining = {i.claim: i.due for i in due.values()}
    built: list[JournalEntry] = []

    def apply(pool: str | None, item: OpenItem, amount: Decimal) -> None:
        built.append(
            entry(
                id=f"{id_prefix}:apply:{guarantor_id}:{len(built) + 1}",
                entry_date=on,
                source=SourceKind.PATIENT_PAYMENT,
                source_id=f"{id_prefix}:apply:{guarantor_id}",
                legs=(
                    Leg(credit_account(guarantor_id), amount, None, "applied", pool),
                    Leg(patient_ar(item.guarantor_id), -amount, None, "patient_paid"),
                ),
                claim=item.claim,
                patient_id=item.patient_id,
                memo="credit applied",
            )
        )
        remaining[item.claim] -= amount

    general: list[tuple[str | None, Decimal]] = []
    for pool, amount in sorted(held.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        if amount <= 0:
            continue
        if pool is None:
            general.append((None, amount))
            continue
        item = due.get(pool)
        if item is None:
            if pool in settled:
                general.append((pool, amount))  # adjudicated and nothing owed on it
            continue  # the visit is not adjudicated yet: keep holding
        take = min(amount, remaining[pool])
        if take > 0:
            apply(pool, item, take)
        if amount - take > 0 and remaining[pool] == 0:
            general.append((pool, amount - take))  # the copay exceeded the visit's share
    order = sorted(due.values(), key=lambda i: (i.since, i.claim))
    for pool, amount in general:
        left = amount
        for item in order:
            take = min(left, remaining[item.claim])
            if take > 0:
                apply(pool, item, take)
                left -= take
            if left == 0:
                break
    return built
