"""A visit being coded: the diagnoses and procedure lines one synthetic encounter produces.

Scenarios (`scenarios.py`) fill a `Visit` the way a coder would: diagnoses first, each line
pointing at the diagnoses that justify it, modifiers where the procedure needs them. The
visit keeps the coding consistent on its own: no two codes of one ICD-10-CM category
(except Z codes), no pair an ICD-10-CM Excludes1 note forbids (`EXCLUDES1`), at most 12
diagnoses and 4 pointers a line, and modifier 25 on an office visit billed with a minor
procedure on the same day.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from openrcm.synth.codebook import Dx
from openrcm.synth.feeschedule import ChargeMaster

MAX_DIAGNOSES = 12
MAX_LINES = 50
MAX_STATUS_CODES = 3  # history and status codes a visit adds beyond the patient's problems

OFFICE_EM = frozenset(
    {"99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"}
)
PREVENTIVE = frozenset(
    {f"9938{n}" for n in range(1, 8)} | {f"9939{n}" for n in range(1, 8)} | {"G0438", "G0439"}
)
PROCEDURES_BUNDLING_EM = frozenset(
    [
        "10060",
        "11102",
        "11103",
        "11300",
        "11301",
        "11402",
        "11403",
        "17000",
        "17110",
        "20526",
        "20550",
        "20551",
        "20610",
        "27447",
        "29881",
        "51798",
        "52000",
        "52204",
        "55250",
        "55700",
        "57454",
        "58100",
        "59425",
        "69210",
        "93000",
        "93015",
        "93016",
        "93018",
        "94060",
        "94640",
        "95004",
        "95024",
        "95117",
        "95165",
        "97161",
        "97162",
        "97163",
        "G0101",
        "Q0091",
    ]
)
"""Procedures with an NCCI PTP edit (modifier indicator 1) against a same-day office visit:
the visit is billable only with modifier 25 (NCCI practitioner edits, 2024-07-01)."""

EXCLUDES1 = (
    ("I10", "I11"),  # essential hypertension beside hypertensive heart disease
    ("J30", "J45909"),  # allergic rhinitis with asthma is coded as asthma
    ("Z01419", "Z124"),  # a Pap smear within a gynaecological exam is the exam
    ("R5383", "F33"),  # fatigue due to recurrent depression
    ("R635", "E66"),  # weight gain beside obesity
    ("N8320", "E282"),  # an ovarian cyst beside polycystic ovary syndrome
)
"""ICD-10-CM Excludes1 pairs (by code prefix) the code lists could otherwise combine."""


@dataclass(frozen=True, slots=True)
class PatientView:
    """What a scenario may know of the patient on the day of the visit."""

    age: int
    sex: str  # F or M
    program: str  # medicare, medicaid, commercial, hmo
    chronic: tuple[Dx, ...]
    is_new: bool = False

    @property
    def medicare(self) -> bool:
        return self.program == "medicare"


@dataclass(slots=True)
class PlannedLine:
    code: str
    modifiers: tuple[str, ...]
    units: int
    pointers: tuple[int, ...] | None
    day: date


@dataclass(slots=True)
class Visit:
    """The coding of one claim's worth of care, before it is priced and validated."""

    rng: random.Random
    patient: PatientView
    day: date
    charges: ChargeMaster
    pos: str = "11"
    site: str = "office"  # office, satellite, hospital, telehealth
    diagnoses: list[str] = field(default_factory=list)
    lines: list[PlannedLine] = field(default_factory=list)
    needs_referring: bool = False
    needs_prior_auth: bool = False
    g2211: bool = False
    _categories: set[str] = field(default_factory=set)

    # diagnoses -----------------------------------------------------------------------

    def accepts(self, code: str) -> bool:
        if code in self.diagnoses:
            return True
        if len(self.diagnoses) >= MAX_DIAGNOSES:
            return False
        if code[0] != "Z" and code[:3] in self._categories:
            return False
        for first, second in EXCLUDES1:
            if code.startswith(first):
                if any(d.startswith(second) for d in self.diagnoses):
                    return False
            elif code.startswith(second) and any(d.startswith(first) for d in self.diagnoses):
                return False
        return True

    def add_dx(self, code: str) -> int:
        """Add a diagnosis (undotted); its pointer (1-12), or 0 when it cannot be added."""
        if code in self.diagnoses:
            return self.diagnoses.index(code) + 1
        if not self.accepts(code):
            return 0
        self.diagnoses.append(code)
        if code[0] != "Z":
            self._categories.add(code[:3])
        return len(self.diagnoses)

    def pick(self, candidates: Sequence[Dx]) -> int:
        """Add one diagnosis from `candidates` that fits this patient; its pointer or 0."""
        age, sex = self.patient.age, self.patient.sex
        fitting = [d.code for d in candidates if d.fits(age, sex) and self.accepts(d.code)]
        return self.add_dx(self.rng.choice(fitting)) if fitting else 0

    def chronic(self, limit: int = MAX_DIAGNOSES) -> tuple[int, ...]:
        """Add up to `limit` of the patient's chronic conditions; their pointers."""
        pointers: list[int] = []
        for d in self.patient.chronic:
            if len(pointers) >= limit:
                break
            pointer = self.add_dx(d.code)
            if pointer:
                pointers.append(pointer)
        return tuple(pointers)

    def fill(self, target: int, status: Sequence[Dx]) -> None:
        """Bring the diagnosis list up to `target` with chronic, then status codes."""
        target = min(target, MAX_DIAGNOSES)
        for d in self.patient.chronic:
            if len(self.diagnoses) >= target:
                return
            self.add_dx(d.code)
        age, sex = self.patient.age, self.patient.sex
        extra = [d.code for d in status if d.fits(age, sex) and d.code not in self.diagnoses]
        self.rng.shuffle(extra)
        for code in extra[:MAX_STATUS_CODES]:
            if len(self.diagnoses) >= target:
                return
            self.add_dx(code)

    # lines ---------------------------------------------------------------------------

    def side(self, bilateral: float = 0.0) -> str:
        roll = self.rng.random()
        if roll < bilateral:
            return "50"
        return "RT" if roll < bilateral + (1 - bilateral) / 2 else "LT"

    def line(
        self,
        code: str,
        *modifiers: str,
        units: int = 1,
        ptr: Sequence[int] | int | None = None,
        day: date | None = None,
    ) -> bool:
        """Add a service line when the practice has a charge for `code`; False if not."""
        if len(self.lines) >= MAX_LINES or not self.charges.has(code):
            return False
        if isinstance(ptr, int):
            ptr = (ptr,)
        pointers = None
        if ptr is not None:
            pointers = tuple(dict.fromkeys(p for p in ptr if p))[:4] or None
        self.lines.append(PlannedLine(code, modifiers, units, pointers, day or self.day))
        return True

    def em(self, *, intensity: int = 0, new: bool | None = None) -> bool:
        """An office or outpatient visit, new or established, at a realistic level."""
        is_new = self.patient.is_new if new is None else new
        codes: tuple[str, ...]
        weights: tuple[int, ...]
        if is_new:
            codes, weights = ("99202", "99203", "99204", "99205"), (8, 45, 37, 10)
        elif intensity > 0:
            codes, weights = ("99213", "99214", "99215"), (40, 48, 12)
        else:
            codes, weights = ("99212", "99213", "99214", "99215"), (12, 46, 34, 8)
        return self.line(self.rng.choices(codes, weights)[0])

    def finish(self) -> None:
        """Resolve pointers and add the modifiers and add-ons the coding implies."""
        if not self.diagnoses:
            raise AssertionError("a visit was coded without a diagnosis")
        default = tuple(range(1, min(4, len(self.diagnoses)) + 1))
        days_with_procedures = {
            line.day for line in self.lines if line.code in PROCEDURES_BUNDLING_EM
        }
        for line in self.lines:
            if line.pointers is None:
                line.pointers = default
            if (
                line.code in OFFICE_EM
                and line.day in days_with_procedures
                and "25" not in line.modifiers
            ):
                line.modifiers = ("25", *line.modifiers)
        if self.g2211 and self.patient.medicare:
            ems = [line for line in self.lines if line.code in OFFICE_EM]
            if len(ems) == 1 and not ems[0].modifiers and ems[0].code not in {"99211"}:
                self.line("G2211", ptr=ems[0].pointers, day=ems[0].day)
