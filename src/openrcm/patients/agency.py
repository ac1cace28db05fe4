"""The collection pipeline after statements: pre-collection letter, agency, bad debt, recovery.

A guarantor's account moves through `CollectionStage`s. `next_step` says what is due next
for an account on a given day (the service still runs every action past
`collections.check_action` and logs it); `agency_rows` is the placement file a collection
agency imports; `bad_debt_entries` writes assigned balances off to bad debt, claim by claim;
`recovery_entries` posts money the agency recovered: the written-off amount is reinstated
and paid in one entry, oldest claim first, and the agency's fee stays an adjustment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from openrcm.domain.money import ZERO, format_money
from openrcm.ledger.accounts import (
    BAD_DEBT,
    DEPOSITS,
    OTHER_ADJUSTMENT,
    AccountKind,
    patient_ar,
)
from openrcm.ledger.entries import JournalEntry, Leg, SourceKind, entry
from openrcm.ledger.journal import write_off_entry
from openrcm.patients.accounts import GuarantorClaim
from openrcm.patients.collections import ActionKind, ValidationNotice
from openrcm.patients.policy import PatientAccountPolicy


class CollectionStage(StrEnum):
    NONE = "none"  # billed by statements only
    PRE_COLLECTION = "pre_collection"  # validation notice and pre-collection letter sent
    ASSIGNED = "assigned"  # placed with the agency
    WRITTEN_OFF = "written_off"  # bad debt without an agency
    RESOLVED = "resolved"  # paid (or recovered) in full


@dataclass(frozen=True, slots=True)
class WrittenOff:
    """A claim's patient balance written off to bad debt and not yet recovered."""

    claim: str
    guarantor_id: str
    amount: Decimal
    since: date
    patient_id: str | None = None


def next_step(
    stage: CollectionStage,
    *,
    due: Decimal,
    oldest_age_days: int,
    dunning_level: int,
    on_plan: bool,
    notice: ValidationNotice | None,
    letter_on: date | None,
    as_of: date,
    policy: PatientAccountPolicy,
) -> ActionKind | None:
    """The next collection action for an account on `as_of`, or None.

    Statements first: an account goes to pre-collection only once its last statement was a
    final notice (level 4) and its oldest due amount is `pre_collection_after_days` old; to
    the agency only after the dispute period of its validation notice and
    `agency_after_days` after the letter. A plan in good standing stops the pipeline.
    """
    if due <= 0 or on_plan:
        return None
    if stage is CollectionStage.NONE:
        if dunning_level >= 4 and oldest_age_days >= policy.pre_collection_after_days:
            return (
                ActionKind.VALIDATION_NOTICE if notice is None else ActionKind.PRE_COLLECTION_LETTER
            )
        return None
    if stage is CollectionStage.PRE_COLLECTION:
        if notice is None:
            return ActionKind.VALIDATION_NOTICE
        if (
            due >= policy.agency_minimum
            and as_of > notice.dispute_deadline
            and letter_on is not None
            and as_of >= letter_on + timedelta(days=policy.agency_after_days)
        ):
            return ActionKind.AGENCY_ASSIGNMENT
    return None


def pre_collection_letter(
    notice: ValidationNotice, *, practice: str, phone: str, guarantor_name: str, sent_on: date
) -> str:
    """The practice's own last letter before the agency, with the validation notice."""
    agency_by = notice.dispute_deadline + timedelta(days=1)
    return "\n\n".join(
        (
            f"{practice}\n{sent_on.isoformat()}",
            f"Dear {guarantor_name},",
            f"Your account with {practice} has a balance of "
            f"${format_money(notice.current_amount)} that remains unpaid after several "
            "statements. Please pay in full, or call us to set up a payment plan.",
            "If we do not hear from you, the account may be referred to a collection agency "
            f"on or after {agency_by.isoformat()}.",
            notice.text(),
            f"Questions: {phone}" if phone else "Questions: please call our billing office.",
        )
    )


AGENCY_COLUMNS = (
    "agency_id",
    "placement_date",
    "debt_id",
    "guarantor_id",
    "guarantor_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "phone",
    "creditor",
    "itemization_date",
    "amount_on_itemization_date",
    "balance",
    "validation_notice_sent_on",
    "claim",
    "service_date",
    "claim_balance",
)


def agency_rows(
    claims: Sequence[GuarantorClaim],
    *,
    header: dict[str, str],
) -> list[dict[str, str]]:
    """The placement file's rows for one account: one per claim with a balance, each
    carrying the account `header` (agency_id, placement_date, debt and guarantor columns)."""
    balance = sum((c.account.due for c in claims if c.account.due > 0), ZERO)
    rows = []
    for c in claims:
        if c.account.due <= 0:
            continue
        row = {column: header.get(column, "") for column in AGENCY_COLUMNS}
        row.update(
            balance=format_money(balance),
            claim=c.claim,
            service_date=c.account.service_date.isoformat(),
            claim_balance=format_money(c.account.due),
        )
        rows.append(row)
    return rows


def bad_debt_entries(
    claims: Sequence[GuarantorClaim], *, on: date, id_prefix: str, reason: str = "bad_debt"
) -> list[JournalEntry]:
    """Each claim's due patient balance written off to bad debt."""
    return [
        write_off_entry(
            id=f"{id_prefix}:bad-debt:{c.claim}",
            claim=c.claim,
            from_account=patient_ar(c.guarantor_id),
            amount=c.account.due,
            entry_date=on,
            kind=AccountKind.BAD_DEBT,
            reason=reason,
            patient_id=c.patient_id,
        )
        for c in claims
        if c.account.due > 0
    ]


def written_off(entries: Sequence[JournalEntry]) -> dict[str, Decimal]:
    """Bad debt per claim, net of recoveries (what an agency may still bring back)."""
    totals: dict[str, Decimal] = {}
    for e in entries:
        if e.claim is None:
            continue
        for leg in e.legs:
            if leg.account == BAD_DEBT:
                totals[e.claim] = totals.get(e.claim, ZERO) + leg.amount
    return {claim: amount for claim, amount in totals.items() if amount > 0}


def recovery_entries(
    recovered: Decimal,
    fee: Decimal,
    open_bad_debt: Sequence[WrittenOff],
    *,
    recovery_id: str,
    on: date,
    reference: str | None = None,
) -> tuple[list[JournalEntry], Decimal]:
    """Post an agency's recovery: `recovered` gross, of which the agency kept `fee`.

    Oldest write-off first, each claim's share is reinstated from bad debt and paid in one
    entry: deposits take the net, the fee's share stays as an adjustment. Returns the
    entries and any recovered amount no written-off claim could take.
    """
    if recovered <= 0 or fee < 0 or fee > recovered:
        raise ValueError("a recovery is above zero and the agency fee is between 0 and it")
    left = recovered
    parts: list[tuple[WrittenOff, Decimal]] = []
    for item in sorted(open_bad_debt, key=lambda w: (w.since, w.claim)):
        take = min(left, item.amount)
        if take > 0:
            parts.append((item, take))
            left -= take
        if left == 0:
            break
    taken = recovered - left
    fees = _split(fee * taken / recovered if recovered else ZERO, [t for _, t in parts])
    built = []
    for n, ((item, take), part_fee) in enumerate(zip(parts, fees, strict=True), start=1):
        ar = patient_ar(item.guarantor_id)
        built.append(
            entry(
                id=f"recovery:{recovery_id}:{n}",
                entry_date=on,
                source=SourceKind.PATIENT_PAYMENT,
                source_id=recovery_id,
                legs=(
                    Leg(ar, take, None, "recovery_reinstated"),
                    Leg(BAD_DEBT, -take, None, "recovery_reinstated"),
                    Leg(DEPOSITS, take - part_fee, None, "agency_recovery", reference),
                    Leg(OTHER_ADJUSTMENT, part_fee, None, "agency_fee"),
                    Leg(ar, -take, None, "agency_recovery"),
                ),
                claim=item.claim,
                patient_id=item.patient_id,
                memo="agency recovery",
            )
        )
    return built, left


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    from openrcm.domain.money import allocate, to_money

    if not weights:
        return []
    return allocate(to_money(total), weights)
