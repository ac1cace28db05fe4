"""CPT by form and by the user's licensed file; modifiers and their conflicts; place of service."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrcm.codes import (
    CptCategory,
    cpt_category,
    import_cpt,
    load_code_sets,
    modifier_conflicts,
    validate,
)
from openrcm.codes.cpt import CptImportError, read_cpt_csv


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("99213", CptCategory.CATEGORY_I),
        ("0001F", CptCategory.CATEGORY_II),
        ("0042T", CptCategory.CATEGORY_III),
        ("0001U", CptCategory.PLA),
        ("J1100", None),
        ("9921", None),
        ("99213F", None),
        ("0001X", None),
    ],
)
def test_cpt_categories_by_form(code: str, category: CptCategory | None) -> None:
    assert cpt_category(code) == category


@given(st.from_regex(r"\A\d{4}[0-9FTU]\Z"))
def test_every_cpt_form_has_a_category(code: str) -> None:
    assert cpt_category(code) is not None


def test_without_a_licensed_file_cpt_is_checked_by_form_and_fee_schedule() -> None:
    assert validate("cpt", "99213", date(2025, 6, 1)) == []
    assert validate("cpt", "0001F", date(2025, 6, 1)) == []
    assert [f.code for f in validate("cpt", "9921", date(2025, 6, 1))] == ["CODE-FORMAT"]
    (missing,) = validate("cpt", "99199", date(2025, 6, 1)) or [None]
    assert missing is None or missing.code == "CPT-NOT-IN-PFS"
    (warning,) = validate("cpt", "00001", date(2025, 6, 1))
    assert warning.code == "CPT-NOT-IN-PFS" and not warning.is_error


def test_importing_a_licensed_file_keeps_a_copy_and_validates_against_it(tmp_path: Path) -> None:
    source = tmp_path / "my_cpt.csv"
    source.write_text(
        "code,description,effective_date\n99213,Office visit (user text),2020-01-01\n0042T,Perfusion study (user text),\n"
    )
    user_dir = tmp_path / "user"
    codes = import_cpt(source, user_dir)
    assert [c.code for c in codes] == ["99213", "0042T"]
    sets = load_code_sets(user_data_dir=user_dir)
    assert sets.cpt.has_descriptors
    assert sets.validate("cpt", "99213", date(2025, 1, 1)) == []
    assert [f.code for f in sets.validate("cpt", "99214", date(2025, 1, 1))] == ["CODE-UNKNOWN"]
    assert [f.code for f in sets.validate("cpt", "99213", date(2019, 1, 1))] == [
        "CODE-NOT-EFFECTIVE"
    ]
    assert sets.search("office visit", system="cpt")[0].code == "99213"


def test_a_bad_cpt_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,description\n99213,ok\nJ1100,not cpt\n")
    with pytest.raises(CptImportError, match="line 3"):
        read_cpt_csv(bad)


@pytest.mark.parametrize(
    ("modifiers", "conflicting"),
    [
        (["26", "TC"], 1),
        (["LT", "RT"], 1),
        (["50", "RT"], 1),
        (["59", "XS"], 1),
        (["GA", "GZ"], 1),
        (["F1", "F2"], 1),
        (["25", "59"], 0),
        (["RT", "59", "76"], 0),
        (["76", "77", "26", "TC"], 2),
    ],
)
def test_conflicting_modifier_pairs(modifiers: list[str], conflicting: int) -> None:
    findings = modifier_conflicts(modifiers, line=3)
    assert len(findings) == conflicting
    assert all(f.code == "MODIFIER-CONFLICT" and f.line == 3 for f in findings)


def test_modifiers_and_place_of_service_validate() -> None:
    assert validate("modifier", "25", date(2025, 6, 1)) == []
    assert validate("modifier", "KX", date(2025, 6, 1)) == []
    assert [f.code for f in validate("modifier", "Y9", date(2025, 6, 1))] == ["CODE-UNKNOWN"]
    assert validate("pos", "11", date(2025, 6, 1)) == []
    assert validate("pos", "2", date(2025, 6, 1)) == []  # 02 telehealth
    assert [f.code for f in validate("pos", "29", date(2025, 6, 1))] == [
        "CODE-UNKNOWN"
    ]  # unassigned


def test_place_of_service_count() -> None:
    sets = load_code_sets()
    assert len(sets.place_of_service) == 52
    assert sets.place_of_service["21"].facility and not sets.place_of_service["11"].facility
