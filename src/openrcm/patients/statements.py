"""Patient statements: what a guarantor owes, with insurance-pending amounts kept apart.

Only patient responsibility that the last responsible payer has adjudicated is due. A claim
still with insurance shows its pending amount separately and never as due. Statements go
out in cycles (every 30 days by default, `cycle_due`) and climb dunning levels 1 to 4 as the
oldest due amount ages, one level per cycle at most (`next_dunning_level`); a guarantor on a
payment plan in good standing stays at level 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from openrcm.domain.aging import AGING_BUCKETS, bucket_of
from openrcm.domain.money import ZERO

DUNNING_MESSAGES = {
    1: "Thank you for choosing our practice. This statement shows the balance after your insurance paid.",
    2: "Your balance is past due. Please pay today or call us to discuss a payment plan.",
    3: "Your account is seriously past due. Please pay now or call us to set up a payment plan.",
    4: "FINAL NOTICE: please pay or call us within 30 days. Unpaid balances may be referred to a "
    "collection agency.",
}


STATEMENT_INTERVAL_DAYS = 30


@dataclass(frozen=True, slots=True)
class ClaimAccount:
    """One claim as the guarantor sees it, derived from the ledger by the service layer.

    patient_adjustments: patient share the practice gave up (small-balance or bad-debt
    write-offs), so `due` is what is really left to collect. patient_share: what the
    payers put on the patient, by kind (deductible, coinsurance, copay, other).
    """

    patient_control_number: str
    patient_name: str
    service_date: date
    description: str
    charge: Decimal
    insurance_paid: Decimal
    adjustments: Decimal
    patient_paid: Decimal
    patient_responsibility: Decimal  # adjudicated PR, or expected PR while insurance is pending
    insurance_pending: bool  # True while a payer still has to adjudicate
    responsibility_date: date | None = None  # when the patient's share became due (last payer)
    patient_adjustments: Decimal = field(default=ZERO, kw_only=True)
    patient_share: tuple[tuple[str, Decimal], ...] = field(default=(), kw_only=True)
    """The adjudicated patient share by kind: ("deductible", 40.00), ("copay", 20.00)."""

    @property
    def due(self) -> Decimal:
        """What the guarantor owes now: nothing while insurance is pending."""
        if self.insurance_pending:
            return ZERO
        return self.patient_responsibility - self.patient_paid - self.patient_adjustments

    @property
    def pending(self) -> Decimal:
        """The charge still with insurance (shown, never due)."""
        if not self.insurance_pending:
            return ZERO
        return self.charge - self.insurance_paid - self.adjustments - self.patient_paid


SHARE_KINDS = {"1": "deductible", "2": "coinsurance", "3": "copay"}
"""PR group CARCs (Claim Adjustment Reason Codes) by the name a statement gives them."""


def share_kind(reason: str | None) -> str:
    """ "PR-1" -> "deductible"; any other patient-responsibility reason -> "other"."""
    carc = (reason or "").rpartition("-")[2]
    return SHARE_KINDS.get(carc, "other")


@dataclass(frozen=True, slots=True)
class Statement:
    guarantor_id: str
    statement_date: date
    lines: tuple[ClaimAccount, ...]
    amount_due: Decimal
    insurance_pending: Decimal
    aging: dict[str, Decimal]
    dunning_level: int
    message: str
    plan_note: str | None = None


def aging(accounts: Sequence[ClaimAccount], as_of: date) -> dict[str, Decimal]:
    """Due amounts by age since they became the patient's responsibility."""
    totals = {name: ZERO for name, _, _ in AGING_BUCKETS}
    for account in accounts:
        if account.due > 0:
            since = account.responsibility_date or account.service_date
            totals[bucket_of((as_of - since).days)] += account.due
    return totals


def dunning_level(accounts: Sequence[ClaimAccount], as_of: date, *, on_plan: bool) -> int:
    """1 current, 2 past 30 days, 3 past 60, 4 past 90 (final notice before collections)."""
    if on_plan:
        return 1
    ages = [(as_of - (a.responsibility_date or a.service_date)).days for a in accounts if a.due > 0]
    oldest = max(ages, default=0)
    return 1 if oldest <= 30 else 2 if oldest <= 60 else 3 if oldest <= 90 else 4


def next_dunning_level(previous: int | None, aged_level: int) -> int:
    """The level of this cycle's statement: what the age calls for, but at most one level
    above the last statement's, so no guarantor gets a final notice as a first letter."""
    return max(1, min(aged_level, (previous or 0) + 1))


def cycle_due(
    last_statement_date: date | None, as_of: date, interval_days: int = STATEMENT_INTERVAL_DAYS
) -> bool:
    """True when a guarantor's next cycle statement is due on `as_of`."""
    return last_statement_date is None or as_of - last_statement_date >= timedelta(
        days=interval_days
    )


def build_statement(
    guarantor_id: str,
    accounts: Sequence[ClaimAccount],
    as_of: date,
    *,
    plan_note: str | None = None,
    minimum_due: Decimal = Decimal("0.01"),
    on_plan: bool | None = None,
    previous_level: int | None = None,
) -> Statement | None:
    """The guarantor's statement, or None when nothing is due (pending amounts alone are not billed).

    on_plan: a payment plan in good standing (default: a `plan_note` is given) keeps the
    level at 1; previous_level: the level of the last cycle statement, which the new one
    exceeds by one at most (None: the age alone decides, as for an on-demand statement).
    """
    shown = tuple(
        sorted(
            (a for a in accounts if a.due != 0 or a.pending > 0),
            key=lambda a: (a.service_date, a.patient_control_number),
        )
    )
    due = sum((a.due for a in shown), ZERO)
    if due < minimum_due:
        return None
    good_standing = plan_note is not None if on_plan is None else on_plan
    level = dunning_level(shown, as_of, on_plan=good_standing)
    if previous_level is not None:
        level = next_dunning_level(previous_level, level)
    return Statement(
        guarantor_id=guarantor_id,
        statement_date=as_of,
        lines=shown,
        amount_due=due,
        insurance_pending=sum((a.pending for a in shown), ZERO),
        aging=aging(shown, as_of),
        dunning_level=level,
        message=DUNNING_MESSAGES[level],
        plan_note=plan_note,
    )
