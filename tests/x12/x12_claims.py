"""Synthetic claims of varied shape for the X12 tests and benchmarks (deterministic per seed).

`professional_claim(rng, number)` and `institutional_claim(rng, number)` build valid
`domain.Claim`s: 1-12 (or up to 25) diagnoses, 1-50 lines with modifiers, NDC drug lines,
dependents under a subscriber, secondary claims with COB (2320/2330 and 2430 line
adjudications), replacement claims with the payer's claim number, referring, supervising
and facility providers. Names and free text use the X12 basic character set so that the
canonical form needs no text cleaning.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from openrcm.domain import (
    Address,
    Adjustment,
    Claim,
    ClaimFilingIndicator,
    ClaimKind,
    Coverage,
    CoveragePriority,
    Diagnosis,
    DiagnosisKind,
    EntityType,
    LineAdjudication,
    OtherPayer,
    Patient,
    Payer,
    Person,
    PersonName,
    Provider,
    Relationship,
    ServiceLine,
    Sex,
)
from openrcm.domain.identifiers import npi_check_digit

LAST = [
    "SMITH",
    "JOHNSON",
    "GARCIA",
    "NGUYEN",
    "OBRIEN",
    "VAN DYKE",
    "LEE",
    "PATEL",
    "MULLER",
    "KOWALSKI",
]
FIRST = ["MARY", "JAMES", "ANA", "WEI", "OMAR", "SARAH", "JOSE", "LINDA", "KWAME", "EMMA"]
CITIES = [
    ("SPRINGFIELD", "IL", "62701"),
    ("AUSTIN", "TX", "78701"),
    ("DENVER", "CO", "80202"),
    ("BOSTON", "MA", "02108"),
    ("SEATTLE", "WA", "98101"),
]
ICD = [
    "E1140",
    "I10",
    "J069",
    "M545",
    "Z0000",
    "R0789",
    "E785",
    "K219",
    "F329",
    "N390",
    "J449",
    "G4733",
    "M1711",
    "R51",
    "S8390XA",
    "Z79899",
    "E039",
    "I2510",
    "R42",
    "L309",
]
CPT = [
    "99213",
    "99214",
    "99203",
    "93000",
    "36415",
    "80053",
    "85025",
    "71046",
    "97110",
    "20610",
    "J1100",
    "G0008",
    "90471",
    "81002",
    "11721",
]
MODIFIERS = ["25", "59", "LT", "RT", "GT", "26", "TC", "XS", "76", "GA"]
REVENUE = ["0300", "0301", "0250", "0450", "0320", "0636", "0730", "0510"]
CARC = ["45", "1", "2", "3", "96", "253", "97"]
TAXONOMY = ["207Q00000X", "208D00000X", "363LF0000X", "282N00000X", "261QM1300X"]


def npi(rng: random.Random) -> str:
    first = str(rng.choice("12")) + "".join(rng.choice("0123456789") for _ in range(8))
    return first + npi_check_digit(first)


def address(rng: random.Random, zip4: bool = False) -> Address:
    city, state, zip5 = rng.choice(CITIES)
    line2 = rng.choice([None, None, f"SUITE {rng.randint(1, 900)}"])
    return Address(
        line1=f"{rng.randint(1, 9999)} {rng.choice(['MAIN', 'OAK', 'ELM'])} ST",
        line2=line2,
        city=city,
        state=state,
        zip_code=zip5 + (f"{rng.randint(0, 9999):04d}" if zip4 else ""),
    )


def person(rng: random.Random, *, born: date | None = None) -> Person:
    name = PersonName(
        last=rng.choice(LAST),
        first=rng.choice(FIRST),
        middle=rng.choice([None, "A", "J"]),
        suffix=rng.choice([None, None, None, "JR"]),
    )
    birth = born or date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 60))
    return Person(
        name=name, birth_date=birth, sex=rng.choice([Sex.FEMALE, Sex.MALE]), address=address(rng)
    )


def clinician(rng: random.Random, taxonomy: bool = True) -> Provider:
    number = npi(rng)
    return Provider(
        id=number,
        npi=number,
        entity_type=EntityType.PERSON,
        name=rng.choice(LAST),
        first_name=rng.choice(FIRST),
        taxonomy=rng.choice(TAXONOMY) if taxonomy else None,
    )


def organisation(
    rng: random.Random, name: str, *, tin: bool = False, zip4: bool = False
) -> Provider:
    number = npi(rng)
    return Provider(
        id=number,
        npi=number,
        entity_type=EntityType.ORGANISATION,
        name=name,
        taxonomy=rng.choice(TAXONOMY) if tin else None,
        address=address(rng, zip4=zip4),
        tin=f"{rng.choice(['12', '35', '47', '58', '61'])}{rng.randint(1000000, 9999999)}"
        if tin
        else None,
    )


def payer(rng: random.Random, number: int) -> Payer:
    filing = rng.choice(
        [
            ClaimFilingIndicator.COMMERCIAL,
            ClaimFilingIndicator.MEDICARE_B,
            ClaimFilingIndicator.BLUE_CROSS,
            ClaimFilingIndicator.MEDICAID,
        ]
    )
    return Payer(
        id=f"P{number:05d}",
        name=f"HEALTH PLAN {number}",
        claim_filing_indicator=filing,
        address=address(rng) if rng.random() < 0.3 else None,
    )


def adjustments(rng: random.Random, total: Decimal) -> tuple[tuple[Adjustment, ...], Decimal]:
    contractual = (total * Decimal(rng.choice(["0.2", "0.3", "0.4"]))).quantize(Decimal("0.01"))
    patient = (total * Decimal("0.1")).quantize(Decimal("0.01"))
    paid = total - contractual - patient
    adj = [Adjustment(group="CO", reason="45", amount=contractual)]
    if patient:
        adj.append(Adjustment(group="PR", reason=rng.choice(["1", "2", "3"]), amount=patient))
    return tuple(adj), paid


def professional_claim(
    rng: random.Random, number: int, *, providers: list[Provider] | None = None
) -> Claim:
    return _claim(rng, number, ClaimKind.PROFESSIONAL, providers)


def institutional_claim(
    rng: random.Random, number: int, *, providers: list[Provider] | None = None
) -> Claim:
    return _claim(rng, number, ClaimKind.INSTITUTIONAL, providers)


def _claim(
    rng: random.Random, number: int, kind: ClaimKind, providers: list[Provider] | None
) -> Claim:
    professional = kind is ClaimKind.PROFESSIONAL
    billing = (
        rng.choice(providers)
        if providers
        else organisation(rng, f"CLINIC {rng.randint(1, 50)}", tin=True, zip4=True)
    )
    start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
    subscriber = person(rng)
    relationship = (
        Relationship.SELF
        if rng.random() < 0.7
        else rng.choice([Relationship.CHILD, Relationship.SPOUSE])
    )
    if relationship is Relationship.SELF:
        patient_person = subscriber
    else:
        born = (
            start - timedelta(days=rng.randint(400, 365 * 17))
            if relationship is Relationship.CHILD
            else None
        )
        patient_person = person(rng, born=born)
    patient = Patient(
        id=f"PT{number}",
        name=patient_person.name,
        birth_date=patient_person.birth_date,
        sex=patient_person.sex,
        address=patient_person.address,
    )
    secondary = rng.random() < 0.3
    the_payer = payer(rng, rng.randint(1, 20))
    member = f"M{rng.randint(10**6, 10**9)}"
    coverage = Coverage(
        id=f"COV{number}",
        patient_id=patient.id,
        payer_id=the_payer.id,
        priority=CoveragePriority.SECONDARY if secondary else CoveragePriority.PRIMARY,
        subscriber=subscriber,
        relationship=relationship,
        member_id=member,
        group_number=rng.choice([None, f"GRP{rng.randint(100, 999)}"]),
        effective_date=start - timedelta(days=400),
    )
    n_dx = rng.choice([1, 2, 3, 4, 12]) if professional else rng.choice([1, 3, 8, 15])
    codes = rng.sample(ICD, min(n_dx, len(ICD)))
    if professional:
        diagnoses = tuple(
            Diagnosis(code=c, kind=DiagnosisKind.PRINCIPAL if i == 0 else DiagnosisKind.OTHER)
            for i, c in enumerate(codes)
        )
    else:
        kinds = [DiagnosisKind.PRINCIPAL, DiagnosisKind.ADMITTING] + [DiagnosisKind.OTHER] * 30
        diagnoses = tuple(
            Diagnosis(
                code=c,
                kind=kinds[i],
                present_on_admission=rng.choice(["Y", "N", None])
                if kinds[i] in {DiagnosisKind.PRINCIPAL, DiagnosisKind.OTHER}
                else None,
            )
            for i, c in enumerate(codes)
        )
    n_lines = rng.choice([1, 1, 2, 3, 5, 8]) if rng.random() < 0.95 else rng.randint(20, 50)
    lines = []
    primary_payer = payer(rng, 99) if secondary else None
    for n in range(1, n_lines + 1):
        day = start + timedelta(days=rng.randint(0, 3))
        charge = Decimal(rng.randint(20, 900)) + Decimal(rng.choice(["0", "0.50", "0.25", "0.99"]))
        units = Decimal(rng.choice(["1", "1", "2", "1.5", "0.25"]))
        mods = tuple(rng.sample(MODIFIERS, rng.choice([0, 0, 1, 2, 4])))
        drug = rng.random() < 0.1
        adjudications: tuple[LineAdjudication, ...] = ()
        if secondary and primary_payer is not None:
            adj, paid = adjustments(rng, charge)
            adjudications = (
                LineAdjudication(
                    payer_id=primary_payer.id,
                    paid_amount=paid,
                    procedure="99213",
                    modifiers=mods[:2],
                    units=units,
                    adjustments=adj,
                    adjudication_date=day + timedelta(days=20),
                ),
            )
        pointers = tuple(
            rng.sample(range(1, len(diagnoses) + 1), min(len(diagnoses), rng.randint(1, 4)))
        )
        lines.append(
            ServiceLine(
                number=n,
                procedure=rng.choice(CPT),
                modifiers=mods,
                charge_amount=charge,
                units=units,
                service_date=day,
                service_date_end=day + timedelta(days=1) if rng.random() < 0.1 else None,
                place_of_service=rng.choice([None, "11", "22"]) if professional else None,
                diagnosis_pointers=pointers if professional else (1,),
                revenue_code=None if professional else rng.choice(REVENUE),
                ndc=f"{rng.randint(10**10, 10**11 - 1)}" if drug else None,
                ndc_quantity=Decimal(rng.choice(["1", "10", "2.5"])) if drug else None,
                ndc_unit=rng.choice(["ML", "UN", "GR"]) if drug else None,
                rendering_provider=clinician(rng) if rng.random() < 0.05 else None,
                prior_authorization=f"AUTH{rng.randint(1000, 9999)}"
                if rng.random() < 0.05
                else None,
                adjudications=adjudications,
            )
        )
    total = sum((line.charge_amount for line in lines), Decimal(0))
    others: tuple[OtherPayer, ...] = ()
    if secondary and primary_payer is not None:
        adj, paid = adjustments(rng, total)
        others = (
            OtherPayer(
                payer=primary_payer,
                subscriber=subscriber,
                member_id=f"X{rng.randint(10**5, 10**8)}",
                priority="P",
                relationship=relationship
                if relationship is not Relationship.SELF
                else Relationship.SELF,
                group_number=rng.choice([None, "G77"]),
                paid_amount=paid,
                adjustments=adj,
                adjudication_date=start + timedelta(days=25),
                payer_claim_control_number=f"ICN{rng.randint(10**6, 10**7)}",
            ),
        )
    frequency = "7" if rng.random() < 0.05 else "1"
    fields: dict[str, object] = {}
    if professional:
        fields.update(
            place_of_service=rng.choice(["11", "22", None]),
            rendering_provider=clinician(rng) if rng.random() < 0.7 else None,
            referring_provider=clinician(rng, taxonomy=False) if rng.random() < 0.2 else None,
            supervising_provider=clinician(rng, taxonomy=False) if rng.random() < 0.05 else None,
            onset_date=start - timedelta(days=5) if rng.random() < 0.1 else None,
        )
    else:
        end = max(line.last_service_date for line in lines)
        inpatient = rng.random() < 0.4
        fields.update(
            type_of_bill="111" if inpatient else "131",
            statement_from=start,
            statement_to=end,
            admission_date=start if inpatient else None,
            admission_type="1" if inpatient else None,
            admission_source="7" if inpatient else None,
            patient_status="01",
            attending_provider=clinician(rng),
            operating_provider=clinician(rng, taxonomy=False) if rng.random() < 0.2 else None,
            occurrence_codes=(("11", start - timedelta(days=2)),) if rng.random() < 0.3 else (),
            value_codes=(("80", Decimal("3")),) if inpatient else (),
            condition_codes=("09",) if rng.random() < 0.2 else (),
        )
    return Claim(
        id=f"C{number}",
        kind=kind,
        patient_control_number=f"PCN{number:07d}",
        total_charge_amount=total,
        frequency_code=frequency,
        payer_claim_control_number=f"ORIG{number}" if frequency == "7" else None,
        diagnoses=diagnoses,
        lines=tuple(lines),
        billing_provider=billing,
        patient=patient,
        coverage=coverage,
        payer=the_payer,
        other_payers=others,
        service_facility=organisation(rng, "SURGERY CENTER") if rng.random() < 0.1 else None,
        prior_authorization=f"PA{rng.randint(10**5, 10**6)}" if rng.random() < 0.1 else None,
        referral_number=f"RF{rng.randint(100, 999)}" if rng.random() < 0.05 else None,
        note="PATIENT SEEN AFTER FALL" if rng.random() < 0.05 else None,
        **fields,  # type: ignore[arg-type]
    )


def claims(seed: int, count: int, kind: ClaimKind = ClaimKind.PROFESSIONAL) -> list[Claim]:
    """`count` claims from a few billing providers, deterministic for `seed`."""
    rng = random.Random(seed)
    providers = [organisation(rng, f"CLINIC {n}", tin=True, zip4=True) for n in range(3)]
    make = professional_claim if kind is ClaimKind.PROFESSIONAL else institutional_claim
    return [make(rng, n, providers=providers) for n in range(1, count + 1)]
