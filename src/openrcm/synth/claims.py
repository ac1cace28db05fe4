"""The claim stream: visits coded by scenario, priced from the charge master, built as claims.

`iter_visits` yields one `BilledVisit` (its encounters, the validated `Claim` and any
deliberate defects) at a time from its own seeded generator, so a million claims need no
more memory than one; `iter_claims` yields just the claims. The stream depends only on the
practice and the seed: the same practice and seed give the same claims, in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from openrcm.domain import (
    Claim,
    ClaimId,
    Diagnosis,
    DiagnosisKind,
    Encounter,
    ProcedureEntry,
    Provider,
    ServiceLine,
)
from openrcm.synth import codebook
from openrcm.synth.dirty import apply_defect
from openrcm.synth.practice import PatientProfile, SyntheticPractice, _age
from openrcm.synth.scenarios import SPECIALTIES, Specialty
from openrcm.synth.visit import PatientView, Visit

# Diagnoses per claim: most claims carry one to four; a few carry all twelve.
DIAGNOSIS_COUNTS = tuple(range(1, 13))
DIAGNOSIS_WEIGHTS = (30, 24, 17, 11, 6, 4, 3, 2, 1.2, 0.8, 0.5, 0.5)


@dataclass(frozen=True, slots=True)
class BilledVisit:
    """One claim with the encounters it bills (one per date of service) and its defects."""

    claim: Claim
    encounters: tuple[Encounter, ...]
    defects: tuple[str, ...] = ()


class _Roster:
    """Lookups the stream needs, built once per practice: who sees whom, and where."""

    def __init__(self, practice: SyntheticPractice) -> None:
        self.practice = practice
        self.providers: list[tuple[Provider, Specialty]] = [
            (p, SPECIALTIES[practice.specialties[p.id]]) for p in practice.rendering_providers
        ]
        self.provider_weights = [s.volume for _, s in self.providers]
        groups: dict[str, list[PatientProfile]] = {
            k: [] for k in ("child", "adult_f", "adult_m", "senior", "senior_f", "senior_m")
        }
        for profile in practice.profiles:
            groups[profile.group].append(profile)
            if profile.group == "senior":
                groups[f"senior_{profile.patient.sex.value.lower()}"].append(profile)
        self.groups = groups
        self.primary_care = [p for p, s in self.providers if s.primary_care]
        self.sites = {
            "satellite": practice.facilities[0],
            "hospital": practice.facilities[1],
        }

    def patient_for(self, rng: random.Random, specialty: Specialty) -> PatientProfile:
        options = [(g, w) for g, w in specialty.patients if self.groups[g]]
        if not options:
            options = [(g, 1) for g, members in self.groups.items() if members]
        group = rng.choices([g for g, _ in options], [w for _, w in options])[0]
        return rng.choice(self.groups[group])


def _view(profile: PatientProfile, day: date, is_new: bool) -> PatientView:
    patient = profile.patient
    return PatientView(
        age=_age(patient.birth_date, day),
        sex=patient.sex.value,
        program=profile.program,
        chronic=profile.chronic,
        is_new=is_new,
    )


def _fit_window(visit: Visit, start: date, end: date) -> None:
    """Move a multi-day visit back so its last line falls in the window (or drop the excess)."""
    last = max(line.day for line in visit.lines)
    if last <= end:
        return
    shift = min(last - end, visit.day - start)
    for line in visit.lines:
        line.day -= shift
    visit.day -= shift
    visit.lines = [line for line in visit.lines if line.day <= end]


def iter_visits(
    practice: SyntheticPractice,
    count: int | None = None,
    *,
    seed: int | None = None,
    encounters: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[BilledVisit]:
    """`count` billed visits (default `practice.config.claims`), one at a time.

    The claims depend on the practice and `seed` (default the practice's seed) only;
    `encounters=False` skips building encounters, for speed. `on_progress(n)` is called
    after every 1,000 claims.
    """
    config = practice.config
    count = config.claims if count is None else count
    seed = config.seed if seed is None else seed
    rng = random.Random(f"openrcm.synth:{seed}:claims")
    dirty_rng = random.Random(f"openrcm.synth:{seed}:dirty")
    roster = _Roster(practice)
    seen: set[str] = set()
    window = (config.end_date - config.start_date).days
    for n in range(1, count + 1):
        provider, specialty = rng.choices(roster.providers, roster.provider_weights)[0]
        profile = roster.patient_for(rng, specialty)
        day = config.start_date + timedelta(days=rng.randint(0, window))
        first_time = profile.patient.id not in seen
        seen.add(profile.patient.id)
        view = _view(profile, day, is_new=first_time and rng.random() < 0.35)
        visit = Visit(rng, view, day, practice.charge_master)
        if rng.random() < 0.15 and specialty.primary_care:
            visit.site = "satellite"
        scenarios = specialty.scenarios
        scenario = rng.choices([s for s, _ in scenarios], [w for _, w in scenarios])[0]
        scenario(visit)
        if not visit.diagnoses:
            visit.pick(codebook.ACUTE_CHILD if view.age < 18 else codebook.ACUTE_ADULT)
        if not visit.lines:
            visit.em()
        visit.fill(rng.choices(DIAGNOSIS_COUNTS, DIAGNOSIS_WEIGHTS)[0], codebook.STATUS)
        visit.finish()
        _fit_window(visit, config.start_date, config.end_date)
        referring = _referring(rng, roster, specialty, profile, visit)
        defects: tuple[str, ...] = ()
        total_offset = Decimal(0)
        if config.dirty_share and dirty_rng.random() < config.dirty_share:
            defect = apply_defect(dirty_rng, visit, profile, has_referral=referring[1] is not None)
            if defect == "TOTAL-MISMATCH":
                total_offset = Decimal(10)
            if defect == "REFERRAL-MISSING":
                referring = (referring[0], None)
            defects = (defect,) if defect else ()
        claim = _claim(practice, roster, n, visit, provider, profile, referring, total_offset)
        built = _encounters(practice, n, visit, provider, profile, claim) if encounters else ()
        yield BilledVisit(claim, built, defects)
        if on_progress is not None and n % 1000 == 0:
            on_progress(n)
    if on_progress is not None and count % 1000:
        on_progress(count)


def iter_claims(
    practice: SyntheticPractice, count: int | None = None, *, seed: int | None = None
) -> Iterator[Claim]:
    """The claims of `iter_visits`, without building encounters."""
    for billed in iter_visits(practice, count, seed=seed, encounters=False):
        yield billed.claim


def _referring(
    rng: random.Random,
    roster: _Roster,
    specialty: Specialty,
    profile: PatientProfile,
    visit: Visit,
) -> tuple[Provider | None, str | None]:
    """The referring provider and referral number (HMOs want one for every specialist)."""
    referral_needed = profile.plan.requires_referral and not specialty.primary_care
    if not (visit.needs_referring or referral_needed):
        return None, None
    internal = [p for p in roster.primary_care]
    pool = roster.practice.referring_providers
    provider = rng.choice(internal) if internal and rng.random() < 0.3 else rng.choice(pool)
    number = f"RF{rng.randrange(10**8):08d}" if referral_needed else None
    return provider, number


@lru_cache(maxsize=4096)
def _diagnosis(code: str, principal: bool) -> Diagnosis:
    """Diagnoses are immutable: each (code, kind) is validated once and shared."""
    return Diagnosis(code=code, kind=DiagnosisKind.PRINCIPAL if principal else DiagnosisKind.OTHER)


def _claim(
    practice: SyntheticPractice,
    roster: _Roster,
    n: int,
    visit: Visit,
    provider: Provider,
    profile: PatientProfile,
    referring: tuple[Provider | None, str | None],
    total_offset: Decimal,
) -> Claim:
    charges = practice.charge_master
    lines = []
    for number, planned in enumerate(visit.lines, start=1):
        unit = charges.unit_charge(planned.code, planned.modifiers)
        lines.append(
            ServiceLine(
                number=number,
                procedure=planned.code,
                modifiers=planned.modifiers,
                charge_amount=unit * planned.units,
                units=Decimal(planned.units),
                service_date=planned.day,
                diagnosis_pointers=planned.pointers or (1,),
            )
        )
    diagnoses = [_diagnosis(code, i == 0) for i, code in enumerate(visit.diagnoses)]
    total = sum((line.charge_amount for line in lines), Decimal(0)) + total_offset
    rng_auth = visit.needs_prior_auth and profile.program != "medicare"
    return Claim(
        id=ClaimId(f"{practice.tenant.id}-{n:07d}"),
        patient_control_number=f"{practice.code}{n:09d}",
        total_charge_amount=total,
        place_of_service=visit.pos,
        diagnoses=tuple(diagnoses),
        lines=tuple(lines),
        billing_provider=practice.billing_provider,
        rendering_provider=provider,
        referring_provider=referring[0],
        service_facility=roster.sites.get(visit.site),
        patient=profile.patient,
        coverage=profile.coverage,
        payer=profile.payer,
        other_payers=profile.other_payers,
        prior_authorization=f"PA{n:08d}" if rng_auth else None,
        referral_number=referring[1],
    )


def _encounters(
    practice: SyntheticPractice,
    n: int,
    visit: Visit,
    provider: Provider,
    profile: PatientProfile,
    claim: Claim,
) -> tuple[Encounter, ...]:
    site = {"hospital": "hospital", "satellite": "satellite", "telehealth": "telehealth"}.get(
        visit.site, "office"
    )
    if site == "hospital" and visit.pos == "22":
        site = "outpatient"
    location = practice.location(site)
    days: dict[date, list[ProcedureEntry]] = {}
    for line in claim.lines:
        days.setdefault(line.service_date, []).append(
            ProcedureEntry(
                code=line.procedure,
                modifiers=line.modifiers,
                units=line.units,
                diagnosis_pointers=line.diagnosis_pointers,
            )
        )
    return tuple(
        Encounter(
            id=f"{claim.id}-e{k}",
            patient_id=profile.patient.id,
            provider_id=provider.id,
            location_id=location.id,
            service_date=day,
            place_of_service=visit.pos,
            diagnoses=claim.diagnoses,
            procedures=tuple(entries),
            prior_authorization=claim.prior_authorization,
            referral_number=claim.referral_number,
        )
        for k, (day, entries) in enumerate(sorted(days.items()), start=1)
    )
