"""Ledger: the trial balance and one claim's balance."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from openrcm.api.convert import balance_out
from openrcm.api.deps import ReadFinance
from openrcm.api.problems import Problem
from openrcm.api.schemas import AccountBalanceOut, BalanceOut, TrialBalanceOut
from openrcm.domain.access import AuditAction
from openrcm.service import ledger as service

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("/trial-balance", response_model=TrialBalanceOut, responses={401: {}, 403: {}})
def trial_balance(who: ReadFinance) -> TrialBalanceOut:
    """Every account's balance; the total is zero in a sound ledger."""
    found = service.trial_balance(who.uow())
    return TrialBalanceOut(
        accounts=[AccountBalanceOut(account=str(a), balance=v) for a, v in found.accounts],
        total=found.total,
    )


@router.get(
    "/claims/{patient_control_number}",
    response_model=BalanceOut,
    responses={401: {}, 403: {}, 404: {}},
)
def claim_balance(
    patient_control_number: Annotated[str, Path(min_length=1, max_length=38)], who: ReadFinance
) -> BalanceOut:
    """One claim's money by its patient control number (CLM01)."""
    found = service.claim_balance(who.uow(), patient_control_number)
    if found is None:
        raise Problem(404, "this tenant has no ledger entries for that claim")
    who.audit(AuditAction.READ, "claim-balance", patient_control_number)
    return balance_out(found)
