"""The denial work queue: denied and partly denied claims, by root cause, most urgent first.

835 posting queues one `remit.Denial` per denied claim (CLP02 4) and per line the payer
paid nothing on. `build_cases` gathers them into one `DenialCase` per claim and payment,
names the root cause from the CARCs and RARCs (`root_cause`), dates the appeal deadline
from the payer's `AppealPolicy`, and ranks the case: `priority` is the money at risk per
day left to appeal, so a large denial near its deadline comes first and one whose deadline
has passed drops to the end (it can only be written off or argued as an exception).
`group_by_category` lays the queue out the way billers work it: one pile per root cause.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import Field

from openrcm.denials.deadlines import AppealPolicy, appeal_deadline, days_left, policy_for
from openrcm.denials.reasons import ACTIONS, Category, ReasonCodes
from openrcm.domain.base import Record
from openrcm.domain.money import ZERO, Money
from openrcm.domain.party import Payer
from openrcm.remit.queues import Denial

# Which cause explains a denial when its codes name several: the one furthest upstream in
# the claim's life (no coverage makes every coding question moot), then the rest. The
# categories that are not denials (contractual write-downs, patient shares, remarks) only
# name the cause when nothing else does.
ROOT_CAUSE_ORDER: tuple[Category, ...] = (
    Category.ELIGIBILITY,
    Category.COORDINATION_OF_BENEFITS,
    Category.PROPERTY_CASUALTY,
    Category.PROVIDER,
    Category.NETWORK,
    Category.AUTHORISATION,
    Category.REFERRAL,
    Category.TIMELY_FILING,
    Category.DUPLICATE,
    Category.MISSING_INFORMATION,
    Category.CODING,
    Category.BUNDLING,
    Category.MEDICAL_NECESSITY,
    Category.NON_COVERED,
    Category.BENEFIT_LIMIT,
    Category.OTHER,
    Category.PENDING,
    Category.CONTRACTUAL,
    Category.PATIENT_RESPONSIBILITY,
    Category.INFORMATIONAL,
)
_RANK = {category: n for n, category in enumerate(ROOT_CAUSE_ORDER)}
NOT_DENIALS = frozenset(
    {Category.CONTRACTUAL, Category.PATIENT_RESPONSIBILITY, Category.INFORMATIONAL}
)

HIGH_PRIORITY_PER_DAY = Decimal("10.00")  # at least $10 at risk per day left
MEDIUM_PRIORITY_PER_DAY = Decimal("2.00")
URGENT_DAYS = 14  # at most two weeks left: high whatever the amount


class Band(StrEnum):
    """How urgently a case needs work."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    EXPIRED = "expired"  # the appeal deadline has passed


class CaseState(StrEnum):
    """Where a denial case stands in its work."""

    OPEN = "open"
    APPEALED = "appealed"  # an appeal letter went out; waiting for the payer
    CORRECTED = "corrected"  # a corrected claim (frequency 7) went out
    VOIDED = "voided"  # the claim was voided (frequency 8)
    WRITTEN_OFF = "written_off"
    RESOLVED = "resolved"  # the payer paid after all, or the outcome closed it

    @property
    def open(self) -> bool:
        return self in {CaseState.OPEN, CaseState.APPEALED, CaseState.CORRECTED}


class DenialCase(Record):
    """One denied or partly denied claim from one payment, ready to be worked.

    id: the payment (check) and the claim's patient control number, "check|CLM01".
    full_denial: True when the payer denied the whole claim (CLP02 4); False when it
    denied some lines (`lines`) and paid others.
    carcs: group and CARC pairs as the 835 gave them ("CO-50"); remark_codes: RARCs.
    category: the root cause; action: what to do about it.
    deadline / days_left: the last day for the first-level appeal and the days to it.
    priority: denied dollars per day left to appeal (the whole amount on the last day).
    """

    id: str
    patient_control_number: str
    claim_id: str
    payer_id: str
    payer_name: str | None = None
    check: str
    denial_date: date
    payer_claim_control_number: str | None = None
    denied_amount: Money
    full_denial: bool
    lines: tuple[int, ...] = ()
    procedures: tuple[str, ...] = ()
    carcs: tuple[str, ...] = ()
    remark_codes: tuple[str, ...] = ()
    category: Category
    action: str
    appeal_level: str
    deadline: date
    days_left: int
    priority: Decimal = Field(ge=0)
    band: Band
    state: CaseState = CaseState.OPEN


def split_label(label: str) -> tuple[str | None, str]:
    """("CO", "50") from "CO-50"; (None, "50") from a bare CARC."""
    group, sep, code = label.strip().upper().partition("-")
    return (group, code) if sep else (None, group)


def root_cause(carcs: Iterable[str], remark_codes: Iterable[str], codes: ReasonCodes) -> Category:
    """The category that explains a denial, from its CARCs (with or without group codes).

    The CARC furthest upstream in `ROOT_CAUSE_ORDER` wins. When every CARC is generic
    (`OTHER`) or none is known, the first RARC with a specific category names the cause.
    """
    found: list[Category] = []
    for label in carcs:
        _, code = split_label(label)
        known = codes.explain(code)
        if known is not None:
            found.append(known.category)
    specific = [c for c in found if c is not Category.OTHER]
    if not specific:
        for remark in remark_codes:
            known = codes.explain(remark)
            if known is not None and known.category not in NOT_DENIALS | {Category.OTHER}:
                return known.category
    if not found:
        return Category.OTHER
    return min(found, key=lambda c: _RANK.get(c, len(_RANK)))


def priority(amount: Decimal, left: int) -> Decimal:
    """Denied dollars per day left to appeal; zero once the deadline has passed."""
    if left < 0:
        return ZERO
    return (amount / max(left, 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def band(amount: Decimal, left: int) -> Band:
    """HIGH with two weeks or less left, or $10+ a day at risk; MEDIUM from $2 a day."""
    if left < 0:
        return Band.EXPIRED
    score = priority(amount, left)
    if left <= URGENT_DAYS or score >= HIGH_PRIORITY_PER_DAY:
        return Band.HIGH
    if score >= MEDIUM_PRIORITY_PER_DAY:
        return Band.MEDIUM
    return Band.LOW


def case_id(check: str, patient_control_number: str) -> str:
    return f"{check}|{patient_control_number}"


def build_cases(
    denials: Iterable[Denial],
    payers: Mapping[str, Payer],
    codes: ReasonCodes,
    *,
    today: date,
    policies: Mapping[str, AppealPolicy] | None = None,
) -> list[DenialCase]:
    """One case per claim and payment from the posted denials, most urgent first.

    A payer missing from `payers` gets a default commercial policy (120 days).
    """
    grouped: dict[tuple[str, str], list[Denial]] = defaultdict(list)
    for d in denials:
        grouped[(d.check, d.patient_control_number)].append(d)
    cases = [
        _case(found, payers.get(found[0].payer_id), codes, today, policies)
        for found in grouped.values()
    ]
    return rank(cases)


def rank(cases: Iterable[DenialCase]) -> list[DenialCase]:
    """Open cases by priority (highest first), expired ones last, ties by deadline and id."""
    return sorted(
        cases,
        key=lambda c: (c.days_left < 0, -c.priority, c.deadline, c.id),
    )


def _case(
    found: Sequence[Denial],
    payer: Payer | None,
    codes: ReasonCodes,
    today: date,
    policies: Mapping[str, AppealPolicy] | None,
) -> DenialCase:
    first = found[0]
    payer = payer or Payer(id=first.payer_id, name=first.payer_id)
    policy = policy_for(payer, policies)
    denied_on = min(d.denial_date for d in found)
    deadline = appeal_deadline(denied_on, policy, 1)
    left = days_left(deadline, today)
    full = any(d.line is None for d in found)
    amount = (
        sum((d.denied_amount for d in found if d.line is None), ZERO)
        if full
        else sum((d.denied_amount for d in found), ZERO)
    )
    carcs = tuple(dict.fromkeys(c for d in found for c in d.carcs))
    remarks = tuple(dict.fromkeys(r for d in found for r in d.remark_codes))
    category = root_cause(carcs, remarks, codes)
    return DenialCase(
        id=case_id(first.check, first.patient_control_number),
        patient_control_number=first.patient_control_number,
        claim_id=first.claim_id,
        payer_id=payer.id,
        payer_name=payer.name,
        check=first.check,
        denial_date=denied_on,
        payer_claim_control_number=next(
            (d.payer_claim_number for d in found if d.payer_claim_number), None
        ),
        denied_amount=amount,
        full_denial=full,
        lines=tuple(sorted(d.line for d in found if d.line is not None)),
        procedures=tuple(dict.fromkeys(d.procedure for d in found if d.procedure)),
        carcs=carcs,
        remark_codes=remarks,
        category=category,
        action=ACTIONS[category],
        appeal_level=policy.level(1).name,
        deadline=deadline,
        days_left=left,
        priority=priority(amount, left),
        band=band(amount, left),
    )


def group_by_category(cases: Iterable[DenialCase]) -> dict[Category, list[DenialCase]]:
    """The queue in piles by root cause, the pile with the most money first."""
    piles: dict[Category, list[DenialCase]] = defaultdict(list)
    for case in cases:
        piles[case.category].append(case)
    ordered = sorted(
        piles.items(),
        key=lambda kv: (-sum((c.denied_amount for c in kv[1]), ZERO), kv[0].value),
    )
    return {category: rank(found) for category, found in ordered}


def refreshed(case: DenialCase, today: date) -> DenialCase:
    """The case with its days left, priority and band recomputed for `today`."""
    left = days_left(case.deadline, today)
    return case.model_copy(
        update={
            "days_left": left,
            "priority": priority(case.denied_amount, left),
            "band": band(case.denied_amount, left),
        }
    )
