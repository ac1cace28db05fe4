"""Claims and 835 payments a biller would recognise, built as domain records for the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from openrcm.domain import (
    Adjustment,
    Claim,
    ClaimPayment,
    ClaimPaymentStatus,
    ProviderAdjustment,
    ProviderLevelAdjustments,
    Remittance,
    ServicePayment,
)
from openrcm.domain.remittance import Party

NPI = "1234567893"
PRIMARY = "87726"
SECONDARY = "SEC01"
TERTIARY = "TER01"
DOS = date(2025, 3, 4)

PERSON = {"name": {"last": "Rivera", "first": "Ana"}, "birth_date": date(1970, 5, 2), "sex": "F"}


def D(text: str | int) -> Decimal:
    return Decimal(text)


def other_payer(payer_id: str, priority: str) -> dict[str, Any]:
    return {
        "payer": {"id": payer_id, "name": f"Plan {payer_id}"},
        "subscriber": PERSON,
        "member_id": f"M{payer_id}",
        "priority": priority,
    }


def claim(
    pcn: str = "C1001",
    *charges: str,
    payer: str = PRIMARY,
    others: tuple[tuple[str, str], ...] = (),
    procedures: tuple[str, ...] = ("99214", "82947", "36415", "93000", "80053", "85025"),
    guarantor: str | None = "G1",
    patient: str = "PT1",
) -> Claim:
    """A professional claim: one line per charge (default one 150.00 office visit)."""
    amounts = charges or ("150.00",)
    lines = [
        {
            "number": n,
            "procedure": procedures[(n - 1) % len(procedures)],
            "charge_amount": amount,
            "service_date": DOS,
        }
        for n, amount in enumerate(amounts, start=1)
    ]
    return Claim.model_validate(
        {
            "id": f"id-{pcn}",
            "patient_control_number": pcn,
            "total_charge_amount": str(sum(Decimal(a) for a in amounts)),
            "diagnoses": [{"code": "E11.40", "kind": "ABK"}],
            "lines": lines,
            "billing_provider": {
                "id": "b",
                "npi": NPI,
                "entity_type": "2",
                "name": "Elm Clinic",
                "tin": "361234567",
            },
            "patient": {"id": patient, "guarantor_id": guarantor, **PERSON},
            "coverage": {
                "id": "cov",
                "patient_id": patient,
                "payer_id": payer,
                "subscriber": PERSON,
                "member_id": "W123456789",
                "effective_date": date(2025, 1, 1),
            },
            "payer": {"id": payer, "name": f"Plan {payer}"},
            "other_payers": [other_payer(p, prio) for p, prio in others],
        }
    )


def cas(group: str, reason: str, amount: str) -> Adjustment:
    return Adjustment(group=group, reason=reason, amount=Decimal(amount))


def svc(
    procedure: str,
    charge: str,
    paid: str,
    *adjustments: Adjustment,
    line: int | None = None,
    allowed: str | None = None,
) -> ServicePayment:
    return ServicePayment(
        procedure=procedure,
        charge_amount=Decimal(charge),
        paid_amount=Decimal(paid),
        adjustments=adjustments,
        line_control_number=str(line) if line is not None else None,
        service_date=DOS,
        allowed_amount=Decimal(allowed) if allowed is not None else None,
    )


def clp(
    pcn: str,
    status: str,
    charge: str,
    paid: str,
    *lines: ServicePayment,
    adjustments: tuple[Adjustment, ...] = (),
    icn: str | None = None,
    patient_share: str | None = None,
    **extra: Any,
) -> ClaimPayment:
    return ClaimPayment(
        patient_control_number=pcn,
        status=ClaimPaymentStatus(status),
        charge_amount=Decimal(charge),
        paid_amount=Decimal(paid),
        patient_responsibility_amount=Decimal(patient_share) if patient_share else None,
        payer_claim_control_number=icn,
        adjustments=adjustments,
        lines=lines,
        **extra,
    )


def plb(*adjustments: tuple[str, str, str | None]) -> ProviderLevelAdjustments:
    """PLB adjustments as (reason, amount, reference); a positive amount reduces the payment."""
    return ProviderLevelAdjustments(
        provider_id=NPI,
        fiscal_period_date=date(2025, 12, 31),
        adjustments=tuple(
            ProviderAdjustment(reason=reason, amount=Decimal(amount), reference=reference)
            for reason, amount, reference in adjustments
        ),
    )


def era(
    *claims: ClaimPayment,
    trace: str = "EFT0001",
    payer: str = PRIMARY,
    paid: str | None = None,
    provider_adjustments: tuple[ProviderLevelAdjustments, ...] = (),
    on: date = date(2025, 4, 1),
) -> Remittance:
    """One payment; BPR02 balances the claims and PLB unless `paid` says otherwise."""
    plb_total = sum((a.amount for p in provider_adjustments for a in p.adjustments), Decimal(0))
    total = (
        Decimal(paid)
        if paid is not None
        else sum((c.paid_amount for c in claims), Decimal(0)) - plb_total
    )
    return Remittance(
        control_number="0001",
        total_paid_amount=total,
        payment_date=on,
        trace_number=trace,
        payer=Party(name=f"Plan {payer}", identifier=payer, identifier_qualifier="XV"),
        payee=Party(name="Elm Clinic", identifier=NPI, identifier_qualifier="XX"),
        claims=claims,
        provider_adjustments=provider_adjustments,
    )
