"""Benefit plans: what a member pays and what the plan covers, as configuration (YAML).

A `BenefitPlan` holds the deductible and out-of-pocket maximum (individual and family,
in and out of network), coinsurance, the network type (HMO, PPO, EPO, POS, Medicare,
Medicaid), the plan year, covered and excluded services, and `ServiceCategory`s: code
ranges or places of service with their own copay, coinsurance, deductible rule, visit
limit, prior-authorisation and referral requirements. A line belongs to the first
category that matches it, else to the plan's default medical benefit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from pydantic import Field, field_validator, model_validator

from openrcm.domain.base import Record
from openrcm.domain.money import Money
from openrcm.domain.party import PlanType


class CodeSet(Record):
    """Codes given one by one or as ranges of codes of equal length ("99202-99215")."""

    codes: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            return {"codes": tuple(str(c) for c in data)}
        if isinstance(data, str):
            return {"codes": (data,)}
        return data

    @model_validator(mode="after")
    def _ranges_are_valid(self) -> CodeSet:
        self._index  # noqa: B018 - builds the index once, refusing bad ranges early
        return self

    @cached_property
    def _index(self) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
        exact: set[str] = set()
        ranges: list[tuple[str, str]] = []
        for item in self.codes:
            text = item.strip().upper()
            if "-" in text:
                low, _, high = text.partition("-")
                if len(low) != len(high) or low > high:
                    raise ValueError(f"{item!r} is not a range of codes of one length, low-high")
                ranges.append((low, high))
            elif text:
                exact.add(text)
        return frozenset(exact), tuple(ranges)

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        exact, ranges = self._index
        if code in exact:
            return True
        return any(len(code) == len(low) and low <= code <= high for low, high in ranges)

    def __bool__(self) -> bool:
        return bool(self.codes)


class Tiered(Record):
    """An amount in network and out of network; None out of network means no limit/benefit."""

    in_network: Money | None = None
    out_of_network: Money | None = None

    def get(self, in_network: bool) -> Decimal | None:
        return self.in_network if in_network else self.out_of_network


class Limits(Record):
    """Individual and family amounts (deductible or out-of-pocket maximum)."""

    individual: Tiered = Tiered()
    family: Tiered = Tiered()


class Coinsurance(Record):
    in_network: Decimal = Field(default=Decimal("0.20"), ge=0, le=1)
    out_of_network: Decimal = Field(default=Decimal("0.40"), ge=0, le=1)

    def get(self, in_network: bool) -> Decimal:
        return self.in_network if in_network else self.out_of_network


class ServiceCategory(Record):
    """A benefit category: which lines belong to it and how they are shared.

    `codes` and `places_of_service` select lines (both given: both must match). `copay`
    is charged once per date of service per category. `coinsurance` None uses the plan's.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    codes: CodeSet = CodeSet()
    places_of_service: tuple[str, ...] = ()
    copay: Money | None = None
    copay_out_of_network: Money | None = None
    coinsurance: Decimal | None = Field(default=None, ge=0, le=1)
    deductible_applies: bool = True
    visit_limit: int | None = Field(default=None, ge=0)  # visits (dates of service) per plan year
    prior_authorization: bool = False
    referral_required: bool | None = None  # None: the plan's rule
    network_exempt: bool = False  # emergencies are paid in network wherever they happen

    @field_validator("places_of_service", mode="before")
    @classmethod
    def _pos_text(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(str(v).zfill(2) for v in value)
        return value

    def matches(self, code: str, place_of_service: str) -> bool:
        if not self.codes and not self.places_of_service:
            return False
        if self.codes and code not in self.codes:
            return False
        return not (self.places_of_service and place_of_service not in self.places_of_service)


DEFAULT_CATEGORY = ServiceCategory(id="medical")


class BenefitPlan(Record):
    """One benefit plan: cost sharing, coverage rules and the plan year."""

    id: str
    payer_id: str
    name: str
    network_type: PlanType = PlanType.PPO
    plan_year_start_month: int = Field(default=1, ge=1, le=12)
    group_numbers: tuple[str, ...] = ()  # SBR03 group numbers enrolled in this plan
    deductible: Limits = Limits()
    out_of_pocket_max: Limits = Limits()
    coinsurance: Coinsurance = Coinsurance()
    categories: tuple[ServiceCategory, ...] = ()
    excluded: CodeSet = CodeSet()  # never covered: PR-204
    covered_only: CodeSet = CodeSet()  # when given, only these codes are covered
    prior_authorization: CodeSet = CodeSet()  # codes needing prior authorisation in any category
    referral_required: bool = False  # HMO: specialist care needs a referral

    @property
    def out_of_network_covered(self) -> bool:
        """HMO and EPO plans pay nothing out of network (emergencies aside)."""
        return self.network_type not in {PlanType.HMO, PlanType.EPO}

    def category_for(self, code: str, place_of_service: str) -> ServiceCategory:
        for category in self.categories:
            if category.matches(code, place_of_service):
                return category
        return DEFAULT_CATEGORY

    def covers_code(self, code: str) -> bool:
        if code in self.excluded:
            return False
        return not self.covered_only or code in self.covered_only

    def needs_referral(self, category: ServiceCategory) -> bool:
        return (
            self.referral_required
            if category.referral_required is None
            else category.referral_required
        )

    def plan_year(self, day: date) -> date:
        """The first day of the plan year that contains `day`."""
        start = date(day.year, self.plan_year_start_month, 1)
        return start if start <= day else date(day.year - 1, self.plan_year_start_month, 1)
