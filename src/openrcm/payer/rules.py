"""Adjudication rules: each a small registered check that may deny one service line.

A rule sees one line in its `LineContext` (the claim, the payer and plan, the member, the
state of earlier claims) and returns a `Denial` (group code, CARC, RARC and why) or None.
Rules run in the order of `RULES`; the first denial decides the line. Amount rules
(pricing, cost sharing, coordination of benefits) are in `adjudicate`.

| id | CARC | denies when |
|---|---|---|
| ELIGIBILITY | 26 / 27 | the date of service is before coverage starts / after it ends |
| TIMELY-FILING | 29 | the claim arrived later than the payer's filing limit |
| DUPLICATE | 18 (OA) | the same service was already adjudicated for the member |
| EXCLUDED | 204 (PR) | the plan excludes the service |
| NETWORK | 242 | an HMO/EPO member saw an out-of-network provider (no emergency) |
| PRIOR-AUTH | 197 / 284 | the service needs prior authorisation and none (or the wrong one) is on the claim |
| REFERRAL | 288 | the plan needs a referral and the claim has none |
| MEDICAL-NECESSITY | 50 | the code is covered only for diagnoses the line does not point at |
| BUNDLING | 97 | a configured column-two code billed with its column-one code on one date |
| VISIT-LIMIT | 119 (PR) | the member has used the category's visits for the plan year |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from openrcm.domain.claim import Claim, ClaimKind, ServiceLine
from openrcm.payer.accumulators import Accumulators
from openrcm.payer.configuration import BYPASS_MODIFIERS, Member, PayerConfig
from openrcm.payer.plans import BenefitPlan, ServiceCategory


@dataclass(frozen=True, slots=True)
class Denial:
    """Why a line is not paid: CAS group, CARC, optional RARC, and a sentence for the trace."""

    group: str
    carc: str
    reason: str
    rarc: str | None = None


@dataclass(slots=True)
class ClaimContext:
    """What every rule may look at for one claim."""

    claim: Claim
    payer: PayerConfig
    plan: BenefitPlan
    member_key: str
    family_key: str
    coverage_start: date
    coverage_end: date | None
    member: Member | None
    received_date: date
    accumulators: Accumulators
    seen_lines: dict[tuple[object, ...], str]  # line key -> payer claim control number
    visits_this_claim: dict[str, set[date]]  # category -> dates counted on this claim


@dataclass(frozen=True, slots=True)
class LineContext:
    claim: ClaimContext
    line: ServiceLine
    category: ServiceCategory
    in_network: bool
    provider_npi: str
    place_of_service: str


Check = Callable[[LineContext], Denial | None]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description: str
    check: Check


_REGISTRY: dict[str, Rule] = {}


def rule(id: str, description: str) -> Callable[[Check], Rule]:
    def register(check: Check) -> Rule:
        if id in _REGISTRY:
            raise ValueError(f"two adjudication rules share the id {id!r}")
        found = Rule(id, description, check)
        _REGISTRY[id] = found
        return found

    return register


def line_key(member_key: str, line: ServiceLine, provider_npi: str) -> tuple[object, ...]:
    """What makes two lines the same service for duplicate checking."""
    return (
        member_key,
        line.procedure,
        tuple(sorted(line.modifiers)),
        line.service_date,
        provider_npi,
        line.units,
    )


@rule("ELIGIBILITY", "The member's coverage is in force on the date of service.")
def eligibility(ctx: LineContext) -> Denial | None:
    day = ctx.line.service_date
    if day < ctx.claim.coverage_start:
        return Denial(
            "CO", "26", f"service on {day} is before coverage began on {ctx.claim.coverage_start}"
        )
    end = ctx.claim.coverage_end
    if end is not None and ctx.line.last_service_date > end:
        return Denial(
            "CO", "27", f"service on {ctx.line.last_service_date} is after coverage ended on {end}"
        )
    return None


@rule("TIMELY-FILING", "The claim was received within the payer's filing limit.")
def timely_filing(ctx: LineContext) -> Denial | None:
    days = (ctx.claim.received_date - ctx.line.last_service_date).days
    limit = ctx.claim.payer.timely_filing_days
    if days > limit:
        return Denial("CO", "29", f"received {days} days after the service; the limit is {limit}")
    return None


@rule("DUPLICATE", "The same service was not already adjudicated for the member.")
def duplicate(ctx: LineContext) -> Denial | None:
    original = ctx.claim.seen_lines.get(line_key(ctx.claim.member_key, ctx.line, ctx.provider_npi))
    if original is not None:
        return Denial("OA", "18", f"the same service was adjudicated on claim {original}", "N111")
    return None


@rule("EXCLUDED", "The plan covers the service.")
def excluded(ctx: LineContext) -> Denial | None:
    if not ctx.claim.plan.covers_code(ctx.line.procedure):
        return Denial(
            "PR",
            "204",
            f"{ctx.line.procedure} is not a benefit of plan {ctx.claim.plan.id}",
            "N130",
        )
    return None


@rule("NETWORK", "HMO and EPO members are covered out of network only for emergencies.")
def network(ctx: LineContext) -> Denial | None:
    if ctx.in_network or ctx.claim.plan.out_of_network_covered:
        return None
    return Denial(
        "CO",
        "242",
        f"provider {ctx.provider_npi} is out of network for {ctx.claim.plan.network_type.value} plan",
    )


@rule("PRIOR-AUTH", "Services needing prior authorisation carry a valid authorisation number.")
def prior_authorization(ctx: LineContext) -> Denial | None:
    code = ctx.line.procedure
    needed = ctx.category.prior_authorization or code in ctx.claim.plan.prior_authorization
    if not needed:
        return None
    number = ctx.line.prior_authorization or ctx.claim.claim.prior_authorization
    if not number:
        return Denial(
            "CO", "197", f"{code} needs prior authorisation and the claim has none", "M62"
        )
    member = ctx.claim.member
    if member is not None and member.authorizations:
        matching = [a for a in member.authorizations if a.number == number]
        if not matching:
            return Denial("CO", "197", f"authorisation {number} is not on file", "N54")
        if not any(a.covers(code, ctx.line.service_date) for a in matching):
            return Denial(
                "CO",
                "284",
                f"authorisation {number} does not cover {code} on {ctx.line.service_date}",
                "N54",
            )
    return None


@rule("REFERRAL", "Plans that require referrals see a referral number on the claim.")
def referral(ctx: LineContext) -> Denial | None:
    if ctx.claim.plan.needs_referral(ctx.category) and not ctx.claim.claim.referral_number:
        return Denial(
            "CO", "288", f"plan {ctx.claim.plan.id} needs a referral for {ctx.category.id} services"
        )
    return None


def pointed_diagnoses(claim: Claim, line: ServiceLine) -> tuple[str, ...]:
    """The diagnosis codes a line points at (every claim diagnosis for institutional claims)."""
    if claim.kind is ClaimKind.INSTITUTIONAL:
        return tuple(d.code for d in claim.diagnoses)
    return tuple(
        claim.diagnoses[p - 1].code for p in line.diagnosis_pointers if p <= len(claim.diagnoses)
    )


@rule("MEDICAL-NECESSITY", "Codes with coverage rules point at a covered diagnosis.")
def medical_necessity(ctx: LineContext) -> Denial | None:
    for necessity in ctx.claim.payer.medical_necessity:
        if ctx.line.procedure in necessity.codes:
            diagnoses = pointed_diagnoses(ctx.claim.claim, ctx.line)
            if not necessity.allows(diagnoses):
                return Denial(
                    "CO",
                    "50",
                    f"{ctx.line.procedure} is covered for {', '.join(necessity.diagnoses)}; the line points at {', '.join(diagnoses) or 'none'} (rule {necessity.id})",
                    necessity.rarc,
                )
    return None


@rule("BUNDLING", "A column-two code is not paid with its column-one code on one date.")
def bundling(ctx: LineContext) -> Denial | None:
    line = ctx.line
    for pair in ctx.claim.payer.bundling_pairs:
        if pair.column2 != line.procedure or pair.modifier_indicator == "9":
            continue
        for other in ctx.claim.claim.lines:
            if other.number == line.number or other.procedure != pair.column1:
                continue
            if other.service_date != line.service_date:
                continue
            bypass = BYPASS_MODIFIERS & (set(line.modifiers) | set(other.modifiers))
            if pair.modifier_indicator == "1" and bypass:
                continue
            return Denial(
                "CO",
                "97",
                f"{line.procedure} is bundled into {other.procedure} (line {other.number})",
                "M15",
            )
    return None


@rule("VISIT-LIMIT", "The member has visits left in the category for the plan year.")
def visit_limit(ctx: LineContext) -> Denial | None:
    limit = ctx.category.visit_limit
    if limit is None:
        return None
    claim = ctx.claim
    plan_year = claim.plan.plan_year(ctx.line.service_date)
    used = claim.accumulators.visits_used(
        claim.member_key, claim.plan.id, plan_year, ctx.category.id
    )
    here = claim.visits_this_claim.setdefault(ctx.category.id, set())
    day = ctx.line.service_date
    if day in used or day in here:
        return None
    if len(used) + len(here) >= limit:
        return Denial(
            "PR", "119", f"{limit} {ctx.category.id} visits a plan year, all used", "N640"
        )
    here.add(day)
    return None


RULES = MappingProxyType(dict(_REGISTRY))
"""Every line rule by id, in the order they run."""
