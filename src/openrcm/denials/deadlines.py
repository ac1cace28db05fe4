"""Appeal deadlines: how long a payer gives to appeal a denial, per payer and appeal level.

An `AppealPolicy` says, for one payer (or a kind of payer), how many days each appeal level
allows from the date of the denial notice (the 835's payment date), whether the notice
counts as received some days after its date, and whether a deadline that falls on a
weekend moves to the next Monday. Medicare's first level, the redetermination by the MAC,
is due 120 days after the initial determination is received, and the notice is presumed
received 5 days after its date (42 CFR 405.942); the second level, the reconsideration by
a QIC, is due 180 days after the redetermination is received (42 CFR 405.962). Commercial
payers set their own limits in the provider contract: `Payer.appeal_days` is the first
level's, and `load_appeal_policies` reads overrides from YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType

from pydantic import Field

from openrcm.domain.base import Record
from openrcm.domain.party import ClaimFilingIndicator, Payer

MEDICARE_INDICATORS = frozenset({ClaimFilingIndicator.MEDICARE_A, ClaimFilingIndicator.MEDICARE_B})


class AppealLevel(Record):
    """One level of appeal: its name and how many days it allows."""

    name: str = Field(min_length=1, max_length=80)  # "redetermination", "first-level appeal"
    days: int = Field(ge=1, le=3650)


class AppealPolicy(Record):
    """How a payer counts appeal time.

    payer_id: the payer this policy is for ("*" for a default).
    levels: the appeal levels in order; level 1 is the first appeal after the denial.
    receipt_days: days after the notice's date it is presumed received (Medicare: 5).
    next_business_day: a deadline on a Saturday or Sunday moves to the Monday after.
    """

    payer_id: str = "*"
    levels: tuple[AppealLevel, ...] = Field(min_length=1)
    receipt_days: int = Field(default=0, ge=0, le=30)
    next_business_day: bool = False

    def level(self, number: int) -> AppealLevel:
        """Appeal level `number` (1-based); raises ValueError past the last level."""
        if not 1 <= number <= len(self.levels):
            raise ValueError(
                f"payer {self.payer_id} has {len(self.levels)} appeal levels, not {number}"
            )
        return self.levels[number - 1]


MEDICARE_POLICY = AppealPolicy(
    payer_id="medicare",
    levels=(
        AppealLevel(name="redetermination (MAC)", days=120),
        AppealLevel(name="reconsideration (QIC)", days=180),
        AppealLevel(name="ALJ hearing (OMHA)", days=60),
    ),
    receipt_days=5,
    next_business_day=True,
)


def default_policy(payer: Payer) -> AppealPolicy:
    """The policy a payer gets without configuration: Medicare's rules for Medicare payers
    (claim filing indicator MA or MB), else `payer.appeal_days` for one appeal level and
    twice that for a second."""
    if payer.claim_filing_indicator in MEDICARE_INDICATORS:
        return MEDICARE_POLICY.model_copy(update={"payer_id": payer.id})
    return AppealPolicy(
        payer_id=payer.id,
        levels=(
            AppealLevel(name="first-level appeal", days=payer.appeal_days),
            AppealLevel(name="second-level appeal", days=payer.appeal_days),
        ),
    )


def policy_for(payer: Payer, overrides: Mapping[str, AppealPolicy] | None = None) -> AppealPolicy:
    """The payer's configured policy (by payer id, then "*"), else its default policy."""
    if overrides:
        found = overrides.get(payer.id) or overrides.get("*")
        if found is not None:
            return found
    return default_policy(payer)


def appeal_deadline(denied_on: date, policy: AppealPolicy, level: int = 1) -> date:
    """The last day to file appeal `level` for a denial dated `denied_on`.

    For levels after the first, `denied_on` is the date of the previous level's decision.
    """
    last = denied_on + timedelta(days=policy.receipt_days + policy.level(level).days)
    if policy.next_business_day and last.weekday() >= 5:
        last += timedelta(days=7 - last.weekday())
    return last


def days_left(deadline: date, today: date) -> int:
    """Whole days from `today` to `deadline`: 0 on the last day, negative once it has passed."""
    return (deadline - today).days


def load_appeal_policies(path: Path) -> Mapping[str, AppealPolicy]:
    """Read appeal policies from a YAML file: a list of mappings with `payer_id`, `levels`
    (each `name` and `days`), and optionally `receipt_days` and `next_business_day`."""
    import yaml

    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(loaded, list):
        raise ValueError(f"{path.name}: expected a list of appeal policies")
    policies: dict[str, AppealPolicy] = {}
    for item in loaded:
        policy = AppealPolicy.model_validate(item)
        if policy.payer_id in policies:
            raise ValueError(f"{path.name}: two appeal policies for payer {policy.payer_id}")
        policies[policy.payer_id] = policy
    return MappingProxyType(policies)
