"""Accumulators: how much of the deductible and out-of-pocket maximum a member and a family
have met in a plan year, and how many visits of each limited category they have used.

Adjudication applies each claim's amounts in order, line by line, so the next line and
the next claim see what the earlier ones used. Each claim's contribution is kept under
its payer claim control number, so a reversal (frequency 8) or replacement (frequency 7)
takes exactly that contribution back out.

The limits are embedded: a member's remaining deductible is the lesser of what is left of
the individual and of the family deductible; the same for the out-of-pocket maximum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal("0.00")


class AccumulatorKey(NamedTuple):
    """Whose bucket: a member or a family, in one plan, plan year and network tier."""

    holder: str  # "member:<id>" or "family:<id>"
    plan_id: str
    plan_year: date
    in_network: bool


@dataclass(slots=True)
class Contribution:
    """What one claim added: deductible and out-of-pocket amounts per key, visits per category."""

    deductible: dict[AccumulatorKey, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    out_of_pocket: dict[AccumulatorKey, Decimal] = field(
        default_factory=lambda: defaultdict(Decimal)
    )
    visits: dict[tuple[str, str, date, str], set[date]] = field(
        default_factory=lambda: defaultdict(set)
    )


@dataclass(frozen=True, slots=True)
class Standing:
    """A member's position for one line: what is left before each limit is reached."""

    deductible_left: Decimal | None  # None: no deductible
    out_of_pocket_left: Decimal | None  # None: no out-of-pocket maximum


class Accumulators:
    """Deductible, out-of-pocket and visit counts per member and family per plan year."""

    def __init__(self) -> None:
        self.deductible: dict[AccumulatorKey, Decimal] = defaultdict(Decimal)
        self.out_of_pocket: dict[AccumulatorKey, Decimal] = defaultdict(Decimal)
        # (member, plan, plan year, category) -> dates of service counted as visits
        self.visits: dict[tuple[str, str, date, str], set[date]] = defaultdict(set)
        self.contributions: dict[str, Contribution] = {}

    @staticmethod
    def keys(
        member: str, family: str, plan_id: str, plan_year: date, in_network: bool
    ) -> tuple[AccumulatorKey, AccumulatorKey]:
        return (
            AccumulatorKey(f"member:{member}", plan_id, plan_year, in_network),
            AccumulatorKey(f"family:{family}", plan_id, plan_year, in_network),
        )

    def standing(
        self,
        keys: tuple[AccumulatorKey, AccumulatorKey],
        deductible: tuple[Decimal | None, Decimal | None],
        out_of_pocket: tuple[Decimal | None, Decimal | None],
    ) -> Standing:
        """What is left of each limit for a member, given (individual, family) limits."""
        return Standing(
            _left(self.deductible, keys, deductible), _left(self.out_of_pocket, keys, out_of_pocket)
        )

    def add(
        self,
        claim_key: str,
        keys: tuple[AccumulatorKey, AccumulatorKey],
        *,
        deductible: Decimal,
        out_of_pocket: Decimal,
    ) -> None:
        """Add a line's deductible and out-of-pocket amounts for the member and the family."""
        contribution = self.contributions.setdefault(claim_key, Contribution())
        for key in keys:
            if deductible:
                self.deductible[key] += deductible
                contribution.deductible[key] += deductible
            if out_of_pocket:
                self.out_of_pocket[key] += out_of_pocket
                contribution.out_of_pocket[key] += out_of_pocket

    def visits_used(self, member: str, plan_id: str, plan_year: date, category: str) -> set[date]:
        return self.visits.get((member, plan_id, plan_year, category), set())

    def add_visit(
        self, claim_key: str, member: str, plan_id: str, plan_year: date, category: str, day: date
    ) -> None:
        key = (member, plan_id, plan_year, category)
        if day in self.visits[key]:
            return
        self.visits[key].add(day)
        self.contributions.setdefault(claim_key, Contribution()).visits[key].add(day)

    def reverse(self, claim_key: str) -> bool:
        """Take a claim's contribution back out; False when nothing was recorded for it."""
        contribution = self.contributions.pop(claim_key, None)
        if contribution is None:
            return False
        for key, amount in contribution.deductible.items():
            self.deductible[key] -= amount
        for key, amount in contribution.out_of_pocket.items():
            self.out_of_pocket[key] -= amount
        for visit_key, days in contribution.visits.items():
            self.visits[visit_key] -= days
        return True

    def met(self, key: AccumulatorKey) -> tuple[Decimal, Decimal]:
        """(deductible met, out-of-pocket met) for one key."""
        return self.deductible.get(key, ZERO), self.out_of_pocket.get(key, ZERO)


def _left(
    used: dict[AccumulatorKey, Decimal],
    keys: tuple[AccumulatorKey, AccumulatorKey],
    limits: tuple[Decimal | None, Decimal | None],
) -> Decimal | None:
    lefts = [
        max(limit - used.get(key, ZERO), ZERO)
        for key, limit in zip(keys, limits, strict=True)
        if limit is not None
    ]
    return min(lefts) if lefts else None
