"""A synthetic practice: its providers, locations, payers, plans, patients and coverages.

`build_practice` makes everything but the claims from one seeded `random.Random`: a
multi-specialty group (billing NPI, EIN, ZIP+4 street address), its clinicians by
specialty, outside referring physicians, a satellite office and a hospital, Medicare
Part B, the state's Medicaid, fictional commercial payers and an HMO, then patients with
their guarantors and coverages. A configurable share of patients has a second coverage,
coordinated the way real ones are: Medicare with a Medigap plan or Medicaid, an employer
plan with Medicare, two commercial plans (a spouse's, or both parents' by the birthday
rule), or a commercial plan with Medicaid as payer of last resort.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

from openrcm.domain import (
    Address,
    Claim,
    ClaimFilingIndicator,
    Coverage,
    CoveragePriority,
    Encounter,
    EntityType,
    Guarantor,
    InsurancePlan,
    Location,
    OtherPayer,
    Patient,
    Payer,
    Person,
    PersonName,
    PlanType,
    Provider,
    ProviderRole,
    Relationship,
    Sex,
    Tenant,
)
from openrcm.domain.identifiers import npi_check_digit
from openrcm.synth import names
from openrcm.synth.codebook import CHRONIC, Chronic, Dx
from openrcm.synth.feeschedule import ChargeMaster, FeeCatalog, build_charge_master
from openrcm.synth.scenarios import CORE_SPECIALTIES, OPTIONAL_SPECIALTIES, SPECIALTIES

PRACTICE_TAXONOMY = "193200000X"  # multi-specialty group
HOSPITAL_TAXONOMY = "282N00000X"  # general acute care hospital
CLINIC_TAXONOMY = "261QM1300X"  # multi-specialty clinic/center

TIME_ZONES = {
    "OH": "America/New_York",
    "PA": "America/New_York",
    "NC": "America/New_York",
    "NY": "America/New_York",
    "IL": "America/Chicago",
    "WI": "America/Chicago",
    "ID": "America/Boise",
    "CA": "America/Los_Angeles",
}
_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"  # MBIs never use S, L, O, I, B or Z
_EIN_PREFIXES = ("20", "26", "27", "31", "34", "36", "45", "46", "47", "81", "82", "83", "84")


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """What to generate. Dates of service fall in [start_date, end_date]."""

    seed: int = 0
    claims: int = 100
    patients: int | None = None  # default: a third of the claims, at least 30
    start_date: date = date(2025, 1, 1)
    end_date: date = date(2025, 12, 31)
    secondary_share: float = 0.25  # patients with a second coverage (COB)
    dirty_share: float = 0.0  # claims given one deliberate defect for scrubbing demos
    charge_multiplier: Decimal | None = None  # default: seeded, 1.70 to 2.60 times Medicare

    def __post_init__(self) -> None:
        if self.claims < 0:
            raise ValueError(f"claims must be 0 or more, not {self.claims}")
        if self.patients is not None and self.patients < 1:
            raise ValueError(f"patients must be 1 or more, not {self.patients}")
        if self.end_date < self.start_date:
            raise ValueError(f"the window ends ({self.end_date}) before it starts")
        for name in ("secondary_share", "dirty_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.charge_multiplier is not None and self.charge_multiplier <= 0:
            raise ValueError("charge_multiplier must be above zero")

    @property
    def patient_count(self) -> int:
        return self.patients if self.patients is not None else max(30, self.claims // 3)


@dataclass(frozen=True, slots=True)
class PatientProfile:
    """One patient with what visits need: age group, insurance program, chronic conditions,
    the coverage claims bill and the other payers they list for coordination of benefits."""

    patient: Patient
    group: str  # child, adult_f, adult_m, senior
    program: str  # medicare, medicaid, commercial, hmo
    chronic: tuple[Dx, ...]
    coverage: Coverage
    payer: Payer
    plan: InsurancePlan
    secondary: Coverage | None
    other_payers: tuple[OtherPayer, ...]


@dataclass(frozen=True, slots=True)
class SyntheticPractice:
    """A generated practice and, when asked for, its claims.

    `encounters` and `claims` are empty when the practice was built for streaming
    (`iter_claims`); `defects` maps a deliberately dirty claim's id to its defect codes.
    """

    config: SynthConfig
    tenant: Tenant
    billing_provider: Provider
    rendering_providers: tuple[Provider, ...]
    referring_providers: tuple[Provider, ...]
    facilities: tuple[Provider, ...]  # service facilities: satellite office, hospital
    locations: tuple[Location, ...]
    payers: tuple[Payer, ...]
    plans: tuple[InsurancePlan, ...]
    patients: tuple[Patient, ...]
    guarantors: tuple[Guarantor, ...]
    coverages: tuple[Coverage, ...]
    profiles: tuple[PatientProfile, ...]
    specialties: Mapping[str, str]  # rendering provider id -> specialty key
    charge_master: ChargeMaster
    fee_source: str
    code: str  # three letters that prefix patient control numbers
    encounters: tuple[Encounter, ...] = ()
    claims: tuple[Claim, ...] = ()
    defects: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def providers(self) -> tuple[Provider, ...]:
        return (
            self.billing_provider,
            *self.rendering_providers,
            *self.referring_providers,
            *self.facilities,
        )

    def location(self, site: str) -> Location:
        return self.locations[
            {"office": 0, "satellite": 1, "hospital": 2, "outpatient": 3, "telehealth": 4}[site]
        ]


class _Maker:
    """The seeded source of identifiers, names and addresses for one practice."""

    def __init__(self, rng: random.Random, place: names.Place) -> None:
        self.rng = rng
        self.place = place
        self._npis: set[str] = set()

    def npi(self, organisation: bool = False) -> str:
        while True:
            first = "1" if not organisation or self.rng.random() < 0.5 else "2"
            nine = first + f"{self.rng.randrange(10**8):08d}"
            npi = nine + npi_check_digit(nine)
            if npi not in self._npis:
                self._npis.add(npi)
                return npi

    def ein(self) -> str:
        return self.rng.choice(_EIN_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def phone(self) -> str:
        return f"{self.place.area_code}55501{self.rng.randrange(100):02d}"

    def street(self) -> str:
        rng = self.rng
        return (
            f"{rng.randint(10, 9899)} {rng.choice(names.STREETS)} {rng.choice(names.STREET_KINDS)}"
        )

    def address(self, *, zip4: bool = False, line2: str | None = None) -> Address:
        zip_code = self.rng.choice(self.place.zip_codes)
        if zip4:
            zip_code += f"{self.rng.randint(1000, 9899):04d}"
        return Address(
            line1=self.street(),
            line2=line2,
            city=self.place.city,
            state=self.place.state,
            zip_code=zip_code,
        )

    def name(self, sex: str, last: str | None = None) -> PersonName:
        rng = self.rng
        first = rng.choice(names.FEMALE_FIRST if sex == "F" else names.MALE_FIRST)
        middle = rng.choice(names.MIDDLE_INITIALS) if rng.random() < 0.6 else None
        return PersonName(last=last or rng.choice(names.LAST), first=first, middle=middle)

    def birth_date(self, on: date, low: int, high: int) -> date:
        """A birth date giving an age between `low` and `high` years on `on`."""
        years = self.rng.randint(low, high)
        born = on - timedelta(days=round(years * 365.25) + self.rng.randint(0, 364))
        return min(born, on - timedelta(days=60))

    def mbi(self) -> str:
        rng, a = self.rng, _MBI_LETTERS
        alnum = a + "0123456789"
        return "".join(
            (
                str(rng.randint(1, 9)),
                rng.choice(a),
                rng.choice(alnum),
                str(rng.randint(0, 9)),
                rng.choice(a),
                rng.choice(alnum),
                str(rng.randint(0, 9)),
                rng.choice(a),
                rng.choice(a),
                str(rng.randint(0, 9)),
                str(rng.randint(0, 9)),
            )
        )


@dataclass(frozen=True, slots=True)
class _Payers:
    medicare: Payer
    medicaid: Payer
    commercial: tuple[Payer, ...]
    hmo: Payer
    medigap: Payer
    plans: Mapping[str, tuple[InsurancePlan, ...]]  # payer id -> plans
    prefixes: Mapping[str, str]  # payer id -> member id prefix


def _payers(make: _Maker) -> _Payers:
    rng, place = make.rng, make.place

    def box(city: str, state: str, zip_code: str) -> Address:
        return Address(
            line1=f"PO Box {rng.randint(1000, 99999)}", city=city, state=state, zip_code=zip_code
        )

    medicare = Payer(
        id="SYMCR",
        name="Medicare Part B",
        claim_filing_indicator=ClaimFilingIndicator.MEDICARE_B,
        timely_filing_days=365,
        appeal_days=120,
        address=box("Columbus", "OH", "43218"),
    )
    medicaid = Payer(
        id="SYMCD",
        name=f"{place.state} Medicaid Program",
        claim_filing_indicator=ClaimFilingIndicator.MEDICAID,
        timely_filing_days=rng.choice((180, 365)),
        appeal_days=90,
        address=box(place.city, place.state, place.zip_codes[0]),
    )
    blue = Payer(
        id="SYBLU",
        name="Blue Harbor Health Plan",
        claim_filing_indicator=ClaimFilingIndicator.BLUE_CROSS,
        timely_filing_days=180,
        appeal_days=180,
        address=box("Harrisburg", "PA", "17101"),
    )
    aetheria = Payer(
        id="SYAET",
        name="Aetheria Health Insurance",
        claim_filing_indicator=ClaimFilingIndicator.COMMERCIAL,
        timely_filing_days=120,
        appeal_days=180,
        address=box("Albany", "NY", "12203"),
    )
    unity = Payer(
        id="SYUNC",
        name="Unity Crest Insurance Company",
        claim_filing_indicator=ClaimFilingIndicator.COMMERCIAL,
        timely_filing_days=90,
        appeal_days=180,
        address=box("Madison", "WI", "53703"),
    )
    hmo = Payer(
        id="SYHMO",
        name="Evergreen Valley HMO",
        claim_filing_indicator=ClaimFilingIndicator.HMO,
        timely_filing_days=90,
        appeal_days=60,
        address=box(place.city, place.state, place.zip_codes[-1]),
    )
    medigap = Payer(
        id="SYGAP",
        name="Silver Span Medigap Assurance",
        claim_filing_indicator=ClaimFilingIndicator.COMMERCIAL,
        timely_filing_days=365,
        appeal_days=180,
        address=box("Boise", "ID", "83702"),
    )

    def plan(
        payer: Payer, suffix: str, name: str, kind: PlanType, referral: bool = False
    ) -> InsurancePlan:
        return InsurancePlan(
            id=f"{payer.id}-{suffix}",
            payer_id=payer.id,
            name=name,
            plan_type=kind,
            requires_referral=referral,
        )

    plans: dict[str, tuple[InsurancePlan, ...]] = {
        medicare.id: (plan(medicare, "B", "Medicare Part B", PlanType.MEDICARE),),
        medicaid.id: (plan(medicaid, "FFS", "Medicaid fee-for-service", PlanType.MEDICAID),),
        blue.id: (
            plan(blue, "PPO", "Blue Harbor PPO", PlanType.PPO),
            plan(blue, "EPO", "Blue Harbor EPO", PlanType.EPO),
        ),
        aetheria.id: (
            plan(aetheria, "PPO", "Aetheria Choice PPO", PlanType.PPO),
            plan(aetheria, "POS", "Aetheria Open Access POS", PlanType.POS),
        ),
        unity.id: (plan(unity, "PPO", "Unity Crest Select PPO", PlanType.PPO),),
        hmo.id: (plan(hmo, "HMO", "Evergreen Valley HMO", PlanType.HMO, referral=True),),
        medigap.id: (plan(medigap, "G", "Medigap Plan G", PlanType.INDEMNITY),),
    }
    prefixes: dict[str, str] = {
        blue.id: "BHX",
        aetheria.id: "AEH",
        unity.id: "UCI",
        hmo.id: "EVH",
        medigap.id: "SSM",
    }
    return _Payers(
        medicare,
        medicaid,
        (blue, aetheria, unity),
        hmo,
        medigap,
        MappingProxyType(plans),
        MappingProxyType(prefixes),
    )


def _person(patient_like: Person | Patient | Guarantor) -> Person:
    return Person(
        name=patient_like.name,
        birth_date=patient_like.birth_date,
        sex=patient_like.sex,
        address=patient_like.address,
    )


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@lru_cache(maxsize=512)
def _fitting_chronic(age: int, sex: str) -> tuple[Chronic, ...]:
    return tuple(c for c in CHRONIC if c.fits(age, sex))


def _chronic_conditions(rng: random.Random, age: int, sex: str) -> tuple[Dx, ...]:
    if age < 18:
        count = rng.choices((0, 1, 2), (70, 24, 6))[0]
    elif age < 45:
        count = rng.choices((0, 1, 2, 3, 4), (35, 30, 20, 10, 5))[0]
    elif age < 65:
        count = rng.choices(range(0, 7), (12, 20, 24, 20, 12, 8, 4))[0]
    else:
        count = rng.choices(range(1, 10), (8, 14, 18, 18, 15, 11, 8, 5, 3))[0]
    fitting = _fitting_chronic(age, sex)
    chosen: list[Dx] = []
    groups: set[str] = set()
    for _ in range(count):
        candidates = [c for c in fitting if c.group not in groups]
        if not candidates:
            break
        condition = rng.choices(candidates, [c.weight for c in candidates])[0]
        groups.add(condition.group)
        chosen.extend(condition.codes)
    return tuple(chosen)


def build_practice(
    config: SynthConfig, catalog: FeeCatalog, rng: random.Random | None = None
) -> SyntheticPractice:
    """Everything but the claims, from `config.seed` (or the given generator)."""
    rng = rng or random.Random(f"openrcm.synth:{config.seed}:practice")
    place = rng.choice(names.PLACES)
    make = _Maker(rng, place)
    word = rng.choice(names.PRACTICE_WORDS)
    name = f"{word} {rng.choice(names.PRACTICE_KINDS)}"
    code = "".join(part[0] for part in word.split())[:2].upper() + "X"
    slug = "-".join(word.lower().split())
    tenant = Tenant(id=f"synth-{slug}-{abs(config.seed) % 10**9}", name=name)
    multiplier = config.charge_multiplier or Decimal(rng.randint(170, 260)) / 100
    office = make.address(zip4=True, line2=f"Suite {rng.randint(100, 450)}")
    billing = Provider(
        id="billing",
        npi=make.npi(organisation=True),
        entity_type=EntityType.ORGANISATION,
        name=name,
        taxonomy=PRACTICE_TAXONOMY,
        tin=make.ein(),
        address=office,
        roles=frozenset({ProviderRole.BILLING}),
    )

    specialties = list(CORE_SPECIALTIES) + rng.sample(
        OPTIONAL_SPECIALTIES, rng.randint(3, len(OPTIONAL_SPECIALTIES))
    )
    headcount = {"family": (2, 4), "internal": (2, 3), "pediatrics": (1, 3), "therapy": (1, 3)}
    rendering: list[Provider] = []
    specialty_of: dict[str, str] = {}
    for key in specialties:
        low, high = headcount.get(key, (1, 2))
        for _ in range(rng.randint(low, high)):
            sex = rng.choice("FM")
            person = make.name(sex)
            provider = Provider(
                id=f"r{len(rendering) + 1}",
                npi=make.npi(),
                entity_type=EntityType.PERSON,
                name=person.last,
                first_name=person.first,
                taxonomy=SPECIALTIES[key].taxonomy,
                address=office,
                roles=frozenset({ProviderRole.RENDERING}),
            )
            rendering.append(provider)
            specialty_of[provider.id] = key
    referring = tuple(
        Provider(
            id=f"x{n + 1}",
            npi=make.npi(),
            entity_type=EntityType.PERSON,
            name=rng.choice(names.LAST),
            first_name=rng.choice(names.FEMALE_FIRST + names.MALE_FIRST),
            taxonomy=rng.choice(("207Q00000X", "207R00000X", "208000000X", "363LF0000X")),
            roles=frozenset({ProviderRole.REFERRING}),
        )
        for n in range(rng.randint(6, 12))
    )

    satellite_address = make.address(zip4=True)
    hospital_address = make.address(zip4=True)
    hospital_name = f"{rng.choice(names.PRACTICE_WORDS)} {rng.choice(names.HOSPITAL_WORDS)}"
    satellite = Provider(
        id="facility-satellite",
        npi=make.npi(organisation=True),
        entity_type=EntityType.ORGANISATION,
        name=f"{word} {place.city} East Office"[:60],
        taxonomy=CLINIC_TAXONOMY,
        address=satellite_address,
        roles=frozenset({ProviderRole.SERVICE_FACILITY}),
    )
    hospital = Provider(
        id="facility-hospital",
        npi=make.npi(organisation=True),
        entity_type=EntityType.ORGANISATION,
        name=hospital_name,
        taxonomy=HOSPITAL_TAXONOMY,
        address=hospital_address,
        roles=frozenset({ProviderRole.SERVICE_FACILITY}),
    )
    locations = (
        Location(id="loc-main", name=f"{word} main office", place_of_service="11", address=office),
        Location(
            id="loc-east",
            name=satellite.name,
            place_of_service="11",
            address=satellite_address,
            npi=satellite.npi,
        ),
        Location(
            id="loc-hospital-ip",
            name=f"{hospital_name} inpatient"[:60],
            place_of_service="21",
            address=hospital_address,
            npi=hospital.npi,
        ),
        Location(
            id="loc-hospital-op",
            name=f"{hospital_name} outpatient"[:60],
            place_of_service="22",
            address=hospital_address,
            npi=hospital.npi,
        ),
        Location(id="loc-telehealth", name="Telehealth", place_of_service="02", address=office),
    )

    payers = _payers(make)
    profiles, guarantors, coverages = _people(config, make, payers)
    all_payers = (payers.medicare, payers.medicaid, *payers.commercial, payers.hmo, payers.medigap)
    return SyntheticPractice(
        config=config,
        tenant=tenant,
        billing_provider=billing,
        rendering_providers=tuple(rendering),
        referring_providers=referring,
        facilities=(satellite, hospital),
        locations=locations,
        payers=all_payers,
        plans=tuple(p for payer in all_payers for p in payers.plans[payer.id]),
        patients=tuple(p.patient for p in profiles),
        guarantors=guarantors,
        coverages=coverages,
        profiles=profiles,
        specialties=MappingProxyType(specialty_of),
        charge_master=build_charge_master(catalog, multiplier),
        fee_source=catalog.source,
        code=code,
    )


def _group(age: int, sex: str) -> str:
    if age < 18:
        return "child"
    if age < 65:
        return f"adult_{sex.lower()}"
    return "senior"


def _people(
    config: SynthConfig, make: _Maker, payers: _Payers
) -> tuple[tuple[PatientProfile, ...], tuple[Guarantor, ...], tuple[Coverage, ...]]:
    rng, start = make.rng, config.start_date
    time_zone = TIME_ZONES.get(make.place.state, "America/New_York")
    profiles: list[PatientProfile] = []
    guarantors: list[Guarantor] = []
    coverages: list[Coverage] = []
    for n in range(1, config.patient_count + 1):
        band = rng.choices(("child", "young", "middle", "senior"), (22, 28, 25, 25))[0]
        low, high = {"child": (0, 17), "young": (18, 44), "middle": (45, 64), "senior": (65, 94)}[
            band
        ]
        sex = rng.choice("FM")
        born = make.birth_date(start, low, high)
        age = _age(born, start)
        address = make.address()
        phone = make.phone() if rng.random() < 0.9 else None
        name = make.name(sex)
        patient_id = f"p{n}"
        if age < 18:
            parent_sex = rng.choice("FM")
            parent = Guarantor(
                id=f"g{n}",
                name=make.name(parent_sex, last=name.last),
                birth_date=make.birth_date(born, 20, 40),
                sex=Sex(parent_sex),
                address=address,
                phone=phone,
            )
            guarantor = parent
        else:
            guarantor = Guarantor(
                id=f"g{n}", name=name, birth_date=born, sex=Sex(sex), address=address, phone=phone
            )
        patient = Patient(
            id=patient_id,
            name=name,
            birth_date=born,
            sex=Sex(sex),
            address=address,
            phone=phone,
            account_number=f"A{n:07d}",
            guarantor_id=guarantor.id,
            time_zone=time_zone,
        )
        guarantors.append(guarantor)
        profile = _insure(config, make, payers, patient, guarantor, age, sex)
        coverages.append(profile.coverage)
        if profile.secondary is not None:
            coverages.append(profile.secondary)
        profiles.append(profile)
    return tuple(profiles), tuple(guarantors), tuple(coverages)


def _insure(
    config: SynthConfig,
    make: _Maker,
    payers: _Payers,
    patient: Patient,
    guarantor: Guarantor,
    age: int,
    sex: str,
) -> PatientProfile:
    rng, start = make.rng, config.start_date
    self_person = _person(patient)
    spouse_or_parent = _person(guarantor) if age < 18 else None

    def since(born: date, years_back: int = 12) -> date:
        first = start - timedelta(days=rng.randint(30, years_back * 365))
        return max(first, born)

    def commercial(
        subscriber: Person, relationship: Relationship, priority: CoveragePriority, payer: Payer
    ) -> Coverage:
        plan = rng.choice(payers.plans[payer.id])
        member = f"{payers.prefixes[payer.id]}{rng.randrange(10**9):09d}"
        return Coverage(
            id=f"cov-{patient.id}-{priority.value.lower()}",
            patient_id=patient.id,
            payer_id=payer.id,
            plan_id=plan.id,
            priority=priority,
            subscriber=subscriber,
            relationship=relationship,
            member_id=member,
            group_number=f"G{rng.randrange(10**6):06d}",
            effective_date=since(patient.birth_date),
        )

    def public(payer: Payer, priority: CoveragePriority) -> Coverage:
        if payer is payers.medicare:
            turned = patient.birth_date.replace(year=patient.birth_date.year + 65, day=1)
            effective, member = max(turned, start - timedelta(days=365 * 20)), make.mbi()
        else:
            effective, member = since(patient.birth_date, 6), f"{rng.randrange(10**11, 10**12)}"
        return Coverage(
            id=f"cov-{patient.id}-{priority.value.lower()}",
            patient_id=patient.id,
            payer_id=payer.id,
            plan_id=payers.plans[payer.id][0].id,
            priority=priority,
            subscriber=self_person,
            relationship=Relationship.SELF,
            member_id=member,
            effective_date=min(effective, start),
        )

    primary_rank, secondary_rank = CoveragePriority.PRIMARY, CoveragePriority.SECONDARY
    wants_second = rng.random() < config.secondary_share
    secondary: Coverage | None = None
    if age >= 65:
        if rng.random() < 0.92:
            program, primary = "medicare", public(payers.medicare, primary_rank)
            if wants_second:
                secondary = (
                    commercial(self_person, Relationship.SELF, secondary_rank, payers.medigap)
                    if rng.random() < 0.7
                    else public(payers.medicaid, secondary_rank)
                )
        else:  # still working: the employer plan pays first, Medicare second
            employer = rng.choice(payers.commercial)
            program, primary = (
                "commercial",
                commercial(self_person, Relationship.SELF, primary_rank, employer),
            )
            if wants_second:
                secondary = public(payers.medicare, secondary_rank)
    else:
        roll = rng.random()
        if age < 18:
            program = "medicaid" if roll < 0.38 else "hmo" if roll < 0.48 else "commercial"
        else:
            program = "medicaid" if roll < 0.18 else "hmo" if roll < 0.3 else "commercial"
        if program == "medicaid" and wants_second:
            program = "commercial"  # Medicaid pays last: the other plan is primary
        holder = spouse_or_parent or self_person
        relation = Relationship.CHILD if age < 18 else Relationship.SELF
        if program == "medicaid":
            primary = public(payers.medicaid, primary_rank)
        else:
            payer = payers.hmo if program == "hmo" else rng.choice(payers.commercial)
            primary = commercial(holder, relation, primary_rank, payer)
        if wants_second:
            if rng.random() < 0.3:
                secondary = public(payers.medicaid, secondary_rank)
            else:
                other_payer = rng.choice([p for p in payers.commercial if p.id != primary.payer_id])
                opposite = "M" if holder.sex == Sex.FEMALE else "F"
                second_sex = opposite if rng.random() < 0.9 else holder.sex.value
                if age < 18:
                    other_born = make.birth_date(patient.birth_date, 20, 40)
                else:
                    other_born = make.birth_date(start, max(18, age - 6), age + 6)
                other_holder = Person(
                    name=make.name(second_sex, last=patient.name.last),
                    birth_date=other_born,
                    sex=Sex(second_sex),
                    address=patient.address,
                )
                if age < 18:
                    # Birthday rule: the parent whose birthday comes first in the year is primary.
                    first_parent, second_parent = sorted(
                        (holder, other_holder),
                        key=lambda p: (p.birth_date.month, p.birth_date.day),
                    )
                    first_payer = _payer_of(payers, primary)
                    primary = commercial(first_parent, relation, primary_rank, first_payer)
                    secondary = commercial(second_parent, relation, secondary_rank, other_payer)
                else:
                    secondary = commercial(
                        other_holder, Relationship.SPOUSE, secondary_rank, other_payer
                    )
    payer = _payer_of(payers, primary)
    plan = next(p for p in payers.plans[payer.id] if p.id == primary.plan_id)
    other_payers: tuple[OtherPayer, ...] = ()
    if secondary is not None:
        other = _payer_of(payers, secondary)
        other_payers = (
            OtherPayer(
                payer=other,
                subscriber=secondary.subscriber,
                member_id=secondary.member_id,
                priority=secondary.priority.value,
                relationship=secondary.relationship,
                group_number=secondary.group_number,
            ),
        )
    return PatientProfile(
        patient=patient,
        group=_group(age, sex),
        program=program,
        chronic=_chronic_conditions(rng, age, sex),
        coverage=primary,
        payer=payer,
        plan=plan,
        secondary=secondary,
        other_payers=other_payers,
    )


def _payer_of(payers: _Payers, coverage: Coverage) -> Payer:
    for payer in (payers.medicare, payers.medicaid, *payers.commercial, payers.hmo, payers.medigap):
        if payer.id == coverage.payer_id:
            return payer
    raise KeyError(coverage.payer_id)
