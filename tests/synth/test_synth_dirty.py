"""Deliberately dirty claims: off by default; when on, each carries one defect a scrubber can find."""

from __future__ import annotations

import collections

import simple_icd_10_cm as icd

from openrcm.synth import DEFECTS, generate_practice
from openrcm.synth.visit import OFFICE_EM


def test_default_output_has_no_defects(practice) -> None:  # type: ignore[no-untyped-def]
    assert practice.config.dirty_share == 0.0
    assert dict(practice.defects) == {}


def test_a_dirty_share_marks_that_share_and_leaves_the_rest_alone() -> None:
    clean = generate_practice(9, claims=1500)
    dirty = generate_practice(9, claims=1500, dirty_share=0.1)
    share = len(dirty.defects) / 1500
    assert 0.07 <= share <= 0.13
    kinds = collections.Counter(code for codes in dirty.defects.values() for code in codes)
    assert len(kinds) >= 7 and set(kinds) <= set(DEFECTS)
    for before, after in zip(clean.claims, dirty.claims, strict=True):
        if after.id not in dirty.defects:
            assert before == after


def test_each_defect_is_visible_in_the_claim() -> None:
    dirty = generate_practice(9, claims=1500, dirty_share=0.2)
    clean = {c.id: c for c in generate_practice(9, claims=1500).claims}
    for claim in dirty.claims:
        codes = dirty.defects.get(claim.id, ())
        if not codes:
            continue
        (defect,) = codes
        before = clean[claim.id]
        diagnoses = [d.code for d in claim.diagnoses]
        if defect == "DX-NOT-BILLABLE":
            assert any(not icd.is_leaf(code) for code in diagnoses)
        elif defect == "DX-SEX-MISMATCH":
            wrong = "N400" if claim.patient.sex.value == "F" else "Z01419"
            assert wrong in diagnoses
        elif defect == "DX-AGE-MISMATCH":
            assert {"Z00129", "Z0000"} & set(diagnoses)
        elif defect == "EM-MODIFIER-25-MISSING":
            before_25 = sum(
                "25" in line.modifiers for line in before.lines if line.procedure in OFFICE_EM
            )
            after_25 = sum(
                "25" in line.modifiers for line in claim.lines if line.procedure in OFFICE_EM
            )
            assert after_25 == before_25 - 1
        elif defect == "NCCI-BYPASS-MISSING":
            count = sum(m in {"XS", "59"} for line in claim.lines for m in line.modifiers)
            assert count < sum(m in {"XS", "59"} for line in before.lines for m in line.modifiers)
        elif defect == "TOTAL-MISMATCH":
            assert claim.total_charge_amount == claim.lines_total + 10
        elif defect == "DUPLICATE-LINE":
            first, second = claim.lines[0], claim.lines[1]
            assert (first.procedure, first.modifiers, first.service_date) == (
                second.procedure,
                second.modifiers,
                second.service_date,
            )
        elif defect == "UNITS-OVER-MUE":
            assert any(line.units == 5 for line in claim.lines)
        elif defect == "REFERRAL-MISSING":
            assert before.referral_number is not None and claim.referral_number is None
