"""Deliberate defects for scrubbing demos: claims a good scrubber must catch.

Off by default. With a dirty share above zero, that share of claims gets exactly one of
these defects; each still builds a valid domain `Claim` (the defect is in the coding, not
the structure), and the defect code is reported beside the claim, never inside it.

- `DX-NOT-BILLABLE`: a diagnosis cut back to its three-character category header.
- `DX-SEX-MISMATCH`: a diagnosis for the other sex (BPH for a woman, a gynaecological exam
  for a man).
- `DX-AGE-MISMATCH`: a well-child exam code for an adult, or an adult exam for a child.
- `EM-MODIFIER-25-MISSING`: an office visit billed with a minor procedure, without 25.
- `NCCI-BYPASS-MISSING`: the XS or 59 that separated an NCCI pair removed.
- `TOTAL-MISMATCH`: a claim total ten dollars above the sum of its lines.
- `DUPLICATE-LINE`: the first line billed twice on the same day.
- `UNITS-OVER-MUE`: an office visit or joint injection billed with five units.
- `REFERRAL-MISSING`: an HMO specialist claim without its referral number.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING

from openrcm.synth.visit import MAX_LINES, OFFICE_EM, Visit

if TYPE_CHECKING:
    from openrcm.synth.practice import PatientProfile

DEFECTS = (
    "DX-NOT-BILLABLE",
    "DX-SEX-MISMATCH",
    "DX-AGE-MISMATCH",
    "EM-MODIFIER-25-MISSING",
    "NCCI-BYPASS-MISSING",
    "TOTAL-MISMATCH",
    "DUPLICATE-LINE",
    "UNITS-OVER-MUE",
    "REFERRAL-MISSING",
)


def _not_billable(visit: Visit, profile: PatientProfile) -> bool:
    for i, code in enumerate(visit.diagnoses):
        if len(code) > 3 and code[:3] not in visit.diagnoses:
            visit.diagnoses[i] = code[:3]
            return True
    return False


def _extra_dx(visit: Visit, code: str) -> bool:
    if len(visit.diagnoses) >= 12 or code in visit.diagnoses:
        return False
    visit.diagnoses.append(code)
    pointers = visit.lines[0].pointers or ()
    if len(pointers) < 4:
        visit.lines[0].pointers = (*pointers, len(visit.diagnoses))
    return True


def _wrong_sex(visit: Visit, profile: PatientProfile) -> bool:
    return _extra_dx(visit, "N400" if visit.patient.sex == "F" else "Z01419")


def _wrong_age(visit: Visit, profile: PatientProfile) -> bool:
    return _extra_dx(visit, "Z00129" if visit.patient.age >= 18 else "Z0000")


def _drop_modifier(visit: Visit, modifiers: frozenset[str], codes: frozenset[str] | None) -> bool:
    for line in visit.lines:
        if (codes is None or line.code in codes) and modifiers & set(line.modifiers):
            line.modifiers = tuple(m for m in line.modifiers if m not in modifiers)
            return True
    return False


def _no_25(visit: Visit, profile: PatientProfile) -> bool:
    return _drop_modifier(visit, frozenset({"25"}), OFFICE_EM)


def _no_bypass(visit: Visit, profile: PatientProfile) -> bool:
    return _drop_modifier(visit, frozenset({"XS", "59"}), None)


def _total(visit: Visit, profile: PatientProfile) -> bool:
    return True  # applied by the claim builder


def _duplicate(visit: Visit, profile: PatientProfile) -> bool:
    if len(visit.lines) >= MAX_LINES:
        return False
    visit.lines.insert(1, replace(visit.lines[0]))
    return True


def _units(visit: Visit, profile: PatientProfile) -> bool:
    for line in visit.lines:
        if line.code in OFFICE_EM or line.code == "20610":
            line.units = 5
            return True
    return False


def _referral(visit: Visit, profile: PatientProfile) -> bool:
    return True  # applied by the claim builder, only where a referral was due


_APPLY = dict(
    zip(
        DEFECTS,
        (
            _not_billable,
            _wrong_sex,
            _wrong_age,
            _no_25,
            _no_bypass,
            _total,
            _duplicate,
            _units,
            _referral,
        ),
        strict=True,
    )
)


def apply_defect(
    rng: random.Random, visit: Visit, profile: PatientProfile, *, has_referral: bool
) -> str | None:
    """Give `visit` one defect that fits it; the defect's code, or None if none fits."""
    order = list(DEFECTS)
    rng.shuffle(order)
    for code in order:
        if code == "REFERRAL-MISSING" and not has_referral:
            continue
        if _APPLY[code](visit, profile):
            return code
    return None
