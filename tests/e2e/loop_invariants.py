"""The whole-loop invariants, checked claim by claim against the 835s the payers sent.

For every claim that went out: the ledger's charge is CLM02; its insurance paid is the sum of
CLP04 over every payer's 835; its patient responsibility is the PR adjustments of the last
payer that decided it; its insurance balance is zero unless a denial is queued for it or a
later payer still has to decide. The trial balance is zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.money import ZERO
from openrcm.domain.remittance import ClaimPayment
from openrcm.ledger import claim_balances
from openrcm.service.ledger import ledger_of, trial_balance
from openrcm.x12.t835 import read_835


def payments_by_claim(texts_835: Sequence[str]) -> dict[str, list[ClaimPayment]]:
    """Every CLP of every 835, per patient control number, in the order they were sent."""
    found: dict[str, list[ClaimPayment]] = defaultdict(list)
    for text in texts_835:
        remittances, findings = read_835(text)
        assert not [f for f in findings if f.is_error], findings
        for remittance in remittances:
            assert remittance.is_balanced
            for payment in remittance.claims:
                found[payment.patient_control_number].append(payment)
    return found


def violations(
    new_uow: Callable[[], Any], claims: Sequence[Claim], texts_835: Sequence[str]
) -> list[str]:
    """Every broken invariant, one line each (empty when the loop closed cleanly)."""
    payments = payments_by_claim(texts_835)
    uow = new_uow()
    with uow:
        ledger = ledger_of(uow)
        entries = ledger.entries()
        denied = {item["claim"] for item in ledger.work_items(kind="denial", limit=1_000_000)}
        pending_secondary = {
            item["claim"] for item in ledger.work_items(kind="secondary_claim", limit=1_000_000)
        }
    balances = claim_balances(entries)
    problems: list[str] = []
    total = trial_balance(new_uow()).total
    if total != ZERO:
        problems.append(f"trial balance is {total}, not 0.00")
    for claim in claims:
        pcn = claim.patient_control_number
        paid_by_payers = payments.get(pcn, [])
        if not paid_by_payers:
            continue  # held by the scrubber: never sent
        balance = balances.get(pcn)
        if balance is None:
            problems.append(f"{pcn}: no ledger entries")
            continue
        if balance.charge != claim.total_charge_amount:
            problems.append(f"{pcn}: charge {balance.charge} != CLM02 {claim.total_charge_amount}")
        clp04 = sum((p.paid_amount for p in paid_by_payers), ZERO)
        if balance.insurance_paid != clp04:
            problems.append(f"{pcn}: insurance paid {balance.insurance_paid} != CLP04 sum {clp04}")
        last = paid_by_payers[-1]
        waiting = pcn in pending_secondary or bool(balance.pending_payers)
        if not waiting and not last.is_denial:
            pr = last.adjusted("PR")
            if balance.patient_responsibility != pr:
                problems.append(
                    f"{pcn}: patient responsibility {balance.patient_responsibility} != last "
                    f"payer's PR {pr}"
                )
        if balance.insurance_balance != ZERO and pcn not in denied and not waiting:
            problems.append(
                f"{pcn}: insurance balance {balance.insurance_balance} with no denial queued "
                "and no payer pending"
            )
    return problems


def ledger_snapshot(new_uow: Callable[[], Any]) -> tuple[int, Decimal, dict[str, Decimal]]:
    """How many entries, and every account balance: to prove a second posting changes nothing."""
    uow = new_uow()
    with uow:
        ledger = ledger_of(uow)
        count = len(ledger.entries())
        accounts = ledger.account_balances()
    return count, sum(accounts.values(), ZERO), accounts
