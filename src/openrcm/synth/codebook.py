"""The curated diagnosis lists synthetic visits draw from, with their age and sex limits.

Every ICD-10-CM code here is billable (a leaf of the tabular list) and valid for dates of
service from 2024-10-01 through 2026-09-30 (checked against `simple_icd_10_cm` and the
Medicare Code Editor by `tests/synth/test_synth_codebook.py`). Codes are stored without the
dot, as an 837 carries them. A code that applies to one sex or an age range says so, and
the generator never gives it to anyone else: no prostate code for a woman, no well-child
code for an adult.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dx:
    """An ICD-10-CM code with who may carry it: `sex` F or M (None: anyone), ages inclusive."""

    code: str
    sex: str | None = None
    min_age: int = 0
    max_age: int = 124

    def fits(self, age: int, sex: str) -> bool:
        return (self.sex is None or self.sex == sex) and self.min_age <= age <= self.max_age


def dx(dotted: str, sex: str | None = None, min_age: int = 0, max_age: int = 124) -> Dx:
    return Dx(dotted.replace(".", ""), sex, min_age, max_age)


def pool(*codes: str | Dx) -> tuple[Dx, ...]:
    return tuple(c if isinstance(c, Dx) else dx(c) for c in codes)


@dataclass(frozen=True, slots=True)
class Chronic:
    """A long-standing condition a patient carries from visit to visit.

    `group` keeps alternatives apart (one diabetes code, one hypertension code per
    patient); `codes` are coded together (hypertensive heart disease with its heart
    failure, obesity with its BMI).
    """

    group: str
    codes: tuple[Dx, ...]
    weight: int
    sex: str | None = None
    min_age: int = 0
    max_age: int = 124

    def fits(self, age: int, sex: str) -> bool:
        return (self.sex is None or self.sex == sex) and self.min_age <= age <= self.max_age


def chronic(
    group: str,
    codes: str,
    weight: int,
    sex: str | None = None,
    min_age: int = 0,
    max_age: int = 124,
) -> Chronic:
    return Chronic(group, tuple(dx(c) for c in codes.split()), weight, sex, min_age, max_age)


CHRONIC = (
    chronic("htn", "I10", 34, min_age=25),
    chronic("htn", "I11.0 I50.32", 3, min_age=55),
    chronic("htn", "I11.0 I50.22", 2, min_age=55),
    chronic("dm", "E11.9 Z79.84", 9, min_age=30),
    chronic("dm", "E11.65 Z79.4", 4, min_age=30),
    chronic("dm", "E11.42 Z79.84", 3, min_age=40),
    chronic("dm", "R73.03", 7, min_age=25),
    chronic("lipid", "E78.5", 16, min_age=30),
    chronic("lipid", "E78.00", 6, min_age=30),
    chronic("lipid", "E78.2", 4, min_age=30),
    chronic("thyroid", "E03.9", 8, min_age=18),
    chronic("gerd", "K21.9", 10, min_age=18),
    chronic("airway", "J45.909", 9, min_age=2),
    chronic("airway", "J44.9", 6, min_age=45),
    chronic("mood", "F41.1", 8, min_age=12),
    chronic("mood", "F32.A", 6, min_age=12),
    chronic("mood", "F33.1", 3, min_age=18),
    chronic("joint", "M17.0", 6, min_age=45),
    chronic("joint", "M19.90", 4, min_age=45),
    chronic("sleep", "G47.33", 5, min_age=30),
    chronic("weight", "E66.9 Z68.32", 5, min_age=20),
    chronic("weight", "E66.9 Z68.35", 4, min_age=20),
    chronic("weight", "E66.01 Z68.41", 3, min_age=20),
    chronic("cad", "I25.10", 7, min_age=45),
    chronic("rhythm", "I48.91 Z79.01", 5, min_age=55),
    chronic("blood", "D64.9", 4, min_age=18),
    chronic("bone", "M81.0", 5, sex="F", min_age=55),
    chronic("pain", "G89.29 M54.50", 4, min_age=25),
    chronic("vitamin", "E55.9", 6, min_age=18),
    chronic("prostate", "N40.0", 10, sex="M", min_age=45),
    chronic("menopause", "N95.1", 5, sex="F", min_age=45, max_age=62),
    chronic("ovary", "E28.2", 3, sex="F", min_age=16, max_age=45),
    chronic("tobacco", "F17.210", 9, min_age=18),
    chronic("tobacco", "Z87.891", 7, min_age=25),
    chronic("headache", "G43.909", 4, min_age=12),
    chronic("rheum", "M06.9", 2, min_age=25),
    chronic("adhd", "F90.0", 6, min_age=6, max_age=17),
    chronic("skin", "L20.9", 5, max_age=17),
    chronic("nose", "J30.9", 6, min_age=3),
)

STATUS = pool(
    "Z88.0",
    dx("Z86.73", min_age=40),
    dx("Z80.0", min_age=18),
    dx("Z82.49", min_age=18),
    dx("Z83.3", min_age=18),
    dx("Z85.3", sex="F", min_age=35),
    dx("Z91.81", min_age=65),
    dx("Z74.09", min_age=65),
    dx("Z98.890", min_age=18),
    dx("Z90.49", min_age=30),
    dx("Z79.899", min_age=18),
)
"""Status, history and family-history codes that lengthen a claim's diagnosis list."""

ACUTE_ADULT = pool(
    "J06.9",
    "J02.9",
    "J01.90",
    "J20.9",
    "R05.9",
    dx("N39.0", sex="F"),
    "R10.9",
    "R51.9",
    "R42",
    "R53.83",
    "B34.9",
    "K59.00",
    "R11.2",
    "U07.1",
    "L30.9",
    "M54.2",
    "K52.9",
    "R19.7",
    "G47.00",
    "R63.5",
    "M54.6",
)

ACUTE_CHILD = pool(
    "H66.90",
    "J06.9",
    "J02.9",
    "R50.9",
    "B34.9",
    "J20.9",
    "R05.9",
    "L30.9",
    "K59.00",
    "R11.10",
    "H10.13",
    "U07.1",
)

CARDIAC = pool("R07.9", "R07.89", "R00.2", "R94.31", "I49.9", "R60.0", "R01.1", "R42")
CARDIAC_DISEASE = pool(
    dx("I25.10", min_age=40),
    dx("I48.0", min_age=40),
    dx("I35.0", min_age=50),
    dx("I34.0", min_age=30),
    dx("I87.2", min_age=30),
)
DEVICE = pool("I49.5", "I44.2")

SKIN_LESION = pool("D48.5", "D22.5", "D22.39", "D22.61", "D22.71", "L82.1", "L82.0")
SKIN_MEDICAL = pool(
    dx("L70.0", max_age=40), "L40.0", "L20.9", dx("L71.9", min_age=25), "B35.1", "L30.9"
)
WARTS = pool("B07.8", "B07.0")
CYST = pool("L72.0", "D22.5")

GYN_PROBLEM = pool(
    dx("N92.0", sex="F", min_age=12, max_age=55),
    dx("N94.6", sex="F", min_age=12, max_age=50),
    dx("N76.0", sex="F", min_age=12),
)
PRENATAL = {
    1: (dx("Z34.81", sex="F", min_age=12, max_age=55), ("Z3A.10", "Z3A.12")),
    2: (dx("Z34.82", sex="F", min_age=12, max_age=55), ("Z3A.18", "Z3A.20", "Z3A.22")),
    3: (dx("Z34.83", sex="F", min_age=12, max_age=55), ("Z3A.28", "Z3A.32", "Z3A.36")),
}

UROLOGY = pool(
    dx("N40.1", sex="M", min_age=45),
    "R31.9",
    "N20.0",
    "N32.81",
    "R39.15",
    "N28.1",
    "R33.9",
)
MALE_UROLOGY = pool(dx("N52.9", sex="M", min_age=25), dx("R97.20", sex="M", min_age=40))

THERAPY = pool("M62.81", "R26.89", "R26.2", "M54.50", "M54.2")
SPINE = pool("M54.16", "M51.26", "M54.50")
IMAGING_CHEST = pool("R05.9", "J18.9", "R06.02", "R07.9")
IMAGING_HEAD = pool("R51.9", "R42", "R55")
IMAGING_ABDOMEN = pool("R10.9", "R10.31", "K57.32", "N20.0")

HOSPITAL = pool("J18.9", "A41.9", "N17.9", "E87.1", "E86.0", "K92.2", "R55", "J44.1", "N39.0")

ALLERGY = pool("J30.1", "J30.2", "J30.81", "J30.9")
ALLERGY_SKIN = pool("L50.9", "T78.40XA")

# Side-specific pools: RT right, LT left, 50 both sides.
KNEE_OA = {"RT": "M1711", "LT": "M1712", "50": "M170"}
KNEE_PAIN = {"RT": "M25561", "LT": "M25562"}
SHOULDER = {"RT": "M75101", "LT": "M75102"}
IMPINGEMENT = {"RT": "M7541", "LT": "M7542"}
SHOULDER_PAIN = {"RT": "M25511", "LT": "M25512"}
HIP_OA = {"RT": "M1611", "LT": "M1612"}
BURSITIS = {"RT": "M7061", "LT": "M7062"}
ELBOW = {"RT": "M7711", "LT": "M7712"}
TRIGGER_THUMB = {"RT": "M65311", "LT": "M65312"}
MENISCUS = {"RT": "M23221", "LT": "M23222"}
ANKLE_SPRAIN = {"RT": "S93401A", "LT": "S93402A"}
FOOT_PAIN = {"RT": "M79671", "LT": "M79672"}
CARPAL_TUNNEL = {"RT": "G5601", "LT": "G5602"}
OVARIAN_CYST = {"RT": "N83201", "LT": "N83202"}
CERUMEN = {"RT": "H6121", "LT": "H6122", "50": "H6123"}
CELLULITIS = {"RT": "L03115", "LT": "L03116"}
ABSCESS = {"RT": "L02415", "LT": "L02416"}
KNEE_REPLACED = {"RT": "Z96651", "LT": "Z96652"}

LATERAL = (
    KNEE_OA,
    KNEE_PAIN,
    SHOULDER,
    IMPINGEMENT,
    SHOULDER_PAIN,
    HIP_OA,
    BURSITIS,
    ELBOW,
    TRIGGER_THUMB,
    MENISCUS,
    ANKLE_SPRAIN,
    FOOT_PAIN,
    CARPAL_TUNNEL,
    OVARIAN_CYST,
    CERUMEN,
    CELLULITIS,
    ABSCESS,
    KNEE_REPLACED,
)

# Codes scenarios name directly.
SINGLE = {
    code.replace(".", ""): code
    for code in [
        "Z00.00",
        "Z00.01",
        "Z00.129",
        "Z00.121",
        "Z13.31",
        "Z13.220",
        "Z12.11",
        "Z12.31",
        "Z12.5",
        "Z01.419",
        "Z12.4",
        "Z71.3",
        "Z71.82",
        "Z29.3",
        "Z95.0",
        "R87.610",
        "Z30.011",
        "Z30.430",
        "N95.0",
        "C61",
        "Z30.2",
        "Z47.1",
        "J45.901",
        "J45.20",
        "C44.319",
        "L57.0",
        "L60.0",
        "M72.2",
        "I65.23",
        "I50.23",
        "I11.0",
        "I50.9",
        "I48.91",
        "R73.03",
        "D64.9",
    ]
}

FEMALE_ONLY = frozenset({"Z01419", "Z124", "Z1231", "R87610", "Z30430", "N950", "Z3011"})
MALE_ONLY = frozenset({"Z125", "C61", "Z302"})


def all_codes() -> frozenset[str]:
    """Every diagnosis code the generator can put on a claim (for tests and audits)."""
    codes: set[str] = set(SINGLE)
    for group in CHRONIC:
        codes.update(d.code for d in group.codes)
    for collection in (
        STATUS,
        ACUTE_ADULT,
        ACUTE_CHILD,
        CARDIAC,
        CARDIAC_DISEASE,
        DEVICE,
        SKIN_LESION,
        SKIN_MEDICAL,
        WARTS,
        CYST,
        GYN_PROBLEM,
        UROLOGY,
        MALE_UROLOGY,
        THERAPY,
        SPINE,
        IMAGING_CHEST,
        IMAGING_HEAD,
        IMAGING_ABDOMEN,
        HOSPITAL,
        ALLERGY,
        ALLERGY_SKIN,
    ):
        codes.update(d.code for d in collection)
    for first, weeks in PRENATAL.values():
        codes.add(first.code)
        codes.update(w.replace(".", "") for w in weeks)
    for sides in LATERAL:
        codes.update(sides.values())
    return frozenset(codes)
