"""Remittances from adjudications: one balanced 835 transaction set per payer and payee.

Claim payments are grouped by payer and billing provider (the payee). BPR02 = the sum of
CLP04 less the provider-level adjustments. When reversals make the claims' total negative,
the debt is carried forward with a PLB `FB` (forwarding balance) adjustment of that
(negative) amount, so the payment is zero and the transaction set still balances.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from openrcm.domain.money import ZERO
from openrcm.domain.remittance import (
    ClaimPayment,
    PaymentMethod,
    ProviderAdjustment,
    ProviderLevelAdjustments,
    Remittance,
)
from openrcm.payer.adjudicate import Adjudication


def build_remittances(
    adjudications: Iterable[Adjudication],
    *,
    payment_date: date,
    payment_method: PaymentMethod = PaymentMethod.CHECK,
    first_control_number: int = 1,
) -> tuple[Remittance, ...]:
    """Group claim payments by (payer, payee) into balanced remittances, in first-seen order."""
    groups: dict[tuple[str, str], list[Adjudication]] = {}
    for adjudication in adjudications:
        groups.setdefault((adjudication.payer_id, adjudication.billing_npi), []).append(
            adjudication
        )
    remittances = []
    for offset, ((payer_id, npi), members) in enumerate(groups.items()):
        claims: tuple[ClaimPayment, ...] = tuple(p for a in members for p in a.payments)
        total = sum((c.paid_amount for c in claims), ZERO)
        plb: tuple[ProviderLevelAdjustments, ...] = ()
        if total < 0:
            plb = (
                ProviderLevelAdjustments(
                    provider_id=npi,
                    fiscal_period_date=date(payment_date.year, 12, 31),
                    adjustments=(
                        ProviderAdjustment(
                            reason="FB",
                            reference=claims[0].payer_claim_control_number,
                            amount=total,
                        ),
                    ),
                ),
            )
        paid = total - sum((a.amount for p in plb for a in p.adjustments), ZERO)
        digest = hashlib.sha256(
            "|".join(
                f"{c.patient_control_number}:{c.payer_claim_control_number}" for c in claims
            ).encode()
        ).hexdigest()
        first = members[0]
        remittances.append(
            Remittance(
                control_number=f"{first_control_number + offset:04d}",
                handling_code="I" if paid > 0 else "H",
                total_paid_amount=paid,
                credit_debit="C",
                payment_method=payment_method if paid > 0 else PaymentMethod.NONE,
                payment_date=payment_date,
                trace_number=f"{payment_date:%Y%m%d}{int(digest[:12], 16) % 10**9:09d}",
                payer_trace_id=_company_id(payer_id),
                payer=first.payer,
                payee=first.payee,
                production_date=payment_date,
                claims=claims,
                provider_adjustments=plb,
            )
        )
    return tuple(remittances)


def _company_id(payer_id: str) -> str:
    """TRN03: a 10-character originating company id, '1' followed by the payer id's digits."""
    digits = "".join(ch for ch in payer_id if ch.isdigit())[:9]
    return "1" + digits.rjust(9, "0")
