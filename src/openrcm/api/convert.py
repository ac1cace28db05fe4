"""Service results to API bodies: findings with their fixes, balances, claim summaries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openrcm.api.schemas import BalanceOut, ClaimSummary, FindingOut, StatementOut
from openrcm.domain.claim import Claim
from openrcm.domain.finding import Finding


def finding_out(finding: Finding) -> FindingOut:
    from openrcm.service.claims import FIXES

    fix = FIXES.get(finding.code)
    return FindingOut(
        code=finding.code,
        severity=finding.severity.value,
        message=finding.message,
        line=finding.line,
        fix=finding.fix,
        autofix=fix.label if fix is not None else None,
    )


def findings_out(findings: Iterable[Finding]) -> list[FindingOut]:
    return [finding_out(f) for f in findings]


def claim_summary(claim: Claim) -> ClaimSummary:
    return ClaimSummary(
        id=claim.id,
        patient_control_number=claim.patient_control_number,
        status=claim.status.value,
        kind=claim.kind.value,
        payer_id=claim.payer.id,
        patient_id=claim.patient.id,
        first_service_date=claim.first_service_date,
        total_charge_amount=claim.total_charge_amount,
    )


def balance_out(balance: Any) -> BalanceOut:
    return BalanceOut(
        claim=balance.claim,
        charge=balance.charge,
        insurance_paid=balance.insurance_paid,
        adjustments=balance.adjustments,
        patient_paid=balance.patient_paid,
        patient_responsibility=balance.patient_responsibility,
        insurance_balance=balance.insurance_balance,
        patient_balance=balance.patient_balance,
        status=balance.status.value,
    )


def statement_out(statement: Any) -> StatementOut:
    return StatementOut(
        guarantor_id=statement.guarantor_id,
        statement_date=statement.statement_date,
        amount_due=statement.amount_due,
        insurance_pending=statement.insurance_pending,
        dunning_level=statement.dunning_level,
        message=statement.message,
        aging=dict(statement.aging),
    )
