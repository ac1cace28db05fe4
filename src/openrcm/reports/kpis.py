"""Key performance indicators of the revenue cycle, with the formulas the industry uses.

- Days in A/R: open A/R divided by average daily gross charges over the period.
- Clean-claim rate: claims submitted with no scrub errors and not rejected, over claims submitted.
- First-pass resolution rate: claims paid on their first submission without denial, over
  claims adjudicated.
- Denial rate: claims denied (in whole or part) over claims adjudicated.
- Net collection rate: payments over charges less contractual adjustments.
- Charge lag: average days from date of service to claim creation.
Rates are fractions (0.9731), rounded to four places; money stays Decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from openrcm.domain.money import ZERO, to_money
from openrcm.reports.facts import ClaimFacts

FOUR_PLACES = Decimal("0.0001")


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(FOUR_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Kpis:
    days_in_ar: Decimal | None
    clean_claim_rate: Decimal | None
    first_pass_resolution_rate: Decimal | None
    denial_rate: Decimal | None
    net_collection_rate: Decimal | None
    charge_lag_days: Decimal | None
    total_ar: Decimal
    gross_charges: Decimal
    payments: Decimal
    claims: int
    claims_submitted: int
    claims_adjudicated: int
    claims_denied: int
    denial_rate_by_category: dict[str, Decimal]
    denial_rate_by_payer: dict[str, Decimal]


def compute_kpis(facts: Sequence[ClaimFacts], *, as_of: date, period_days: int = 90) -> Kpis:
    """The KPIs over `facts`; days in A/R uses charges of the last `period_days` days."""
    submitted = [f for f in facts if f.submissions > 0]
    adjudicated = [f for f in facts if f.adjudicated]
    denied = [f for f in adjudicated if f.denied]
    recent = [f for f in facts if 0 <= (as_of - f.service_date).days < period_days]
    recent_charges = sum((f.charge for f in recent), ZERO)
    total_ar = sum((f.open_balance for f in facts), ZERO)
    gross = sum((f.charge for f in facts), ZERO)
    payments = sum((f.insurance_paid + f.patient_paid for f in facts), ZERO)
    contractual = sum((f.contractual for f in facts), ZERO)
    daily = recent_charges / period_days if recent_charges else ZERO
    lag = [Decimal((f.created_date - f.service_date).days) for f in facts]

    by_category: dict[str, int] = {}
    for f in denied:
        key = f.denial_category or "other"
        by_category[key] = by_category.get(key, 0) + 1
    payers = {f.payer_id for f in adjudicated}
    by_payer = {
        payer: _ratio(
            sum(1 for f in denied if f.payer_id == payer),
            sum(1 for f in adjudicated if f.payer_id == payer),
        )
        or ZERO
        for payer in sorted(payers)
    }
    return Kpis(
        days_in_ar=(total_ar / daily).quantize(Decimal("0.1"), ROUND_HALF_UP) if daily else None,
        clean_claim_rate=_ratio(
            sum(
                1
                for f in submitted
                if not f.scrub_errors_before_first_submission and not f.rejected
            ),
            len(submitted),
        ),
        first_pass_resolution_rate=_ratio(
            sum(1 for f in adjudicated if f.submissions == 1 and not f.denied and not f.rejected),
            len(adjudicated),
        ),
        denial_rate=_ratio(len(denied), len(adjudicated)),
        net_collection_rate=_ratio(payments, gross - contractual),
        charge_lag_days=(sum(lag, ZERO) / len(lag)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if lag
        else None,
        total_ar=to_money(total_ar),
        gross_charges=to_money(gross),
        payments=to_money(payments),
        claims=len(facts),
        claims_submitted=len(submitted),
        claims_adjudicated=len(adjudicated),
        claims_denied=len(denied),
        denial_rate_by_category={
            k: _ratio(v, len(adjudicated)) or ZERO for k, v in sorted(by_category.items())
        },
        denial_rate_by_payer=by_payer,
    )
