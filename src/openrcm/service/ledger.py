"""Ledger use cases: charges posted, claim balances, payer and patient A/R, the trial balance.

Balances are derived from the stored journal entries by `openrcm.ledger`; nothing here
stores a total. `ledger_of(uow)` gives the ledger repository of an open unit of work (its
`ledger` attribute when it has one, else a `SqlLedgerRepository` on its session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.money import ZERO
from openrcm.ledger import (
    Account,
    AccountKind,
    ClaimBalance,
    SourceKind,
    TrialBalance,
    charge_entry,
    claim_balances,
)
from openrcm.ledger import (
    claim_balance as summarise_claim,
)
from openrcm.store.ledger_tables import SqlLedgerRepository


def ledger_of(uow: Any) -> SqlLedgerRepository:
    """The ledger repository of an open unit of work."""
    found = getattr(uow, "ledger", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlLedgerRepository(uow.session, uow.tenant_id)


def post_charges(uow: Any, claims: Sequence[Claim]) -> int:
    """Post the charge entry of each claim that has none yet; returns how many were posted.

    Call inside an open unit of work; the caller commits.
    """
    ledger = ledger_of(uow)
    wanted = {f"charge:{c.id}": c for c in claims}
    have = ledger.existing_ids(wanted)
    new = [charge_entry(c) for entry_id, c in wanted.items() if entry_id not in have]
    ledger.add(new)
    return len(new)


def claim_balance(uow: Any, claim: str) -> ClaimBalance | None:
    """One claim's summary by patient control number (CLM01); None when it has no entries."""
    with uow:
        entries = ledger_of(uow).entries(claim=claim)
    return summarise_claim(entries, claim) if entries else None


def patient_balances(uow: Any, patient_id: str) -> list[ClaimBalance]:
    """Every claim of one patient, summarised."""
    with uow:
        entries = ledger_of(uow).entries(patient_id=patient_id)
    return sorted(claim_balances(entries).values(), key=lambda b: b.claim)


def trial_balance(uow: Any, *, through: date | None = None) -> TrialBalance:
    """Every account's balance, summed by the database; the total is zero in a sound ledger."""
    with uow:
        found = ledger_of(uow).account_balances(through=through)
    rows = tuple((Account.parse(name), amount) for name, amount in sorted(found.items()))
    return TrialBalance(rows, sum((amount for _, amount in rows), ZERO))


def ar_by_party(uow: Any, kind: AccountKind) -> dict[str, Decimal]:
    """Insurance A/R per payer (`AccountKind.INSURANCE_AR`) or patient A/R per guarantor."""
    balances = trial_balance(uow).accounts
    return {a.party: v for a, v in balances if a.kind is kind and a.party is not None}


def payer_balance(uow: Any, payer_id: str) -> Decimal | None:
    """What payer `payer_id` still owes on claims (its insurance A/R); None when the ledger
    has never had an insurance A/R account for it."""
    balances = trial_balance(uow).accounts
    found = [v for a, v in balances if a.kind is AccountKind.INSURANCE_AR and a.party == payer_id]
    return sum(found, ZERO) if found else None


def has_charge(entries: Sequence[Any]) -> bool:
    return any(e.source is SourceKind.CHARGE for e in entries)
