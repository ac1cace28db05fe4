"""HCPCS Level II: the three layouts of CMS's file, counts and dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from openrcm.codes import load_hcpcs, read_fixed_width, validate
from openrcm.codes.hcpcs import read_hcpcs_file
from openrcm.datadir import find_data_dir

HCPCS = find_data_dir() / "cms" / "hcpcs"


def _record(
    code: str,
    recid: str,
    long: str,
    short: str = "",
    *,
    added: str = "",
    effective: str = "",
    terminated: str = "",
    action: str = "N",
    coverage: str = "C",
    betos: str = "",
) -> str:
    """One 320-character record in CMS's HCPCS layout (positions from the record layout)."""
    line = [" "] * 320

    def put(start: int, text: str) -> None:
        for i, ch in enumerate(text):
            line[start - 1 + i] = ch

    put(1, code.rjust(5) if recid in "78" else code.ljust(5))
    put(6, "00100")
    put(11, recid)
    put(12, long[:80])
    put(92, short[:28])
    put(120, "11")
    put(230, coverage)
    put(257, betos)
    put(269, added)
    put(277, effective)
    put(285, terminated)
    put(293, action)
    return "".join(line)


@pytest.fixture()
def fixed_width_file(tmp_path: Path) -> Path:
    lines = [
        _record(
            "A0021",
            "3",
            "Ambulance service, outside state per mile, transport (Medicaid only)",
            "Outside state ambulance serv",
            added="19950101",
            effective="20000101",
            coverage="I",
            betos="O1A",
        ),
        _record(
            "G0008",
            "3",
            "Administration of influenza virus vaccine",
            "Admin influenza virus vac",
            added="19930101",
            effective="20250101",
            betos="O1G",
        ),
        _record(
            "L6034",
            "3",
            "Partial hand, finger, and thumb prosthesis without prosthetic digit(s)/thumb,",
            "Part hand finger distal amp",
            added="20251001",
            effective="20251001",
            action="A",
            betos="D1F",
        ),
        _record("L6034", "4", "amputation at transmetacarpal level, molded to patient model"),
        _record(
            "Q9991",
            "3",
            "Injection, buprenorphine extended-release, less than or equal to 100 mg",
            "Buprenorph xr 100 mg or less",
            added="20180701",
            effective="20241231",
            terminated="20241231",
            action="D",
        ),
        _record(
            "RT",
            "7",
            "Right side (used to identify procedures performed on the right side of the body)",
            "Right side",
            added="19920101",
            effective="19920101",
        ),
    ]
    path = tmp_path / "HCPC2026_JAN_ANWEB.txt"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return path


def test_the_bundled_october_2025_file_has_the_readme_counts() -> None:
    codes = load_hcpcs(HCPCS)
    assert codes.stats() == {
        "procedure_codes": 8463,
        "modifiers": 383,
        "terminated_procedure_codes": 1205,
    }
    assert len(codes.active(date(2025, 10, 1))) == 7258


def test_the_anweb_csv_and_the_tidy_csv_agree() -> None:
    tidy = {c.code: c for c in read_hcpcs_file(HCPCS / "hcpcs2025_oct_codes.csv")}
    anweb = {c.code: c for c in read_hcpcs_file(HCPCS / "hcpcs2025_oct_anweb.csv")}
    assert tidy == anweb


def test_the_fixed_width_layout(fixed_width_file: Path) -> None:
    codes = load_hcpcs(fixed_width_file)
    assert codes.stats()["procedure_codes"] == 4 and codes.stats()["modifiers"] == 1
    l6034 = codes.get("L6034")
    assert l6034.long_description.endswith(
        "thumb, amputation at transmetacarpal level, molded to patient model"
    )
    assert l6034.short_description == "Part hand finger distal amp"
    assert l6034.add_date == date(2025, 10, 1) and l6034.action_code == "A" and l6034.betos == "D1F"
    assert codes.get("A0021").coverage_code == "I"
    assert codes.get("Q9991").termination_date == date(2024, 12, 31)
    assert codes.modifiers["RT"].short_description == "Right side"


def test_a_continuation_without_its_first_record_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(_record("L6034", "4", "orphan continuation") + "\n", encoding="latin-1")
    with pytest.raises(ValueError, match="line 1"):
        list(read_fixed_width(path.read_text(encoding="latin-1").splitlines()))


def test_dates_decide_validity(fixed_width_file: Path) -> None:
    codes = load_hcpcs(fixed_width_file)
    assert codes.is_valid("Q9991", date(2024, 12, 31))
    assert not codes.is_valid("Q9991", date(2025, 1, 1))
    assert not codes.is_valid("L6034", date(2025, 9, 30))
    assert codes.is_valid("L6034", date(2025, 10, 1))


def test_validate_hcpcs_on_the_shared_file() -> None:
    assert validate("hcpcs", "J1100", date(2025, 6, 1)) == []
    (early,) = validate("hcpcs", "L6034", date(2025, 6, 1))
    assert early.code == "CODE-NOT-EFFECTIVE"
    assert [f.code for f in validate("hcpcs", "Z9999", date(2025, 6, 1))] == ["CODE-FORMAT"]
    assert [f.code for f in validate("hcpcs", "A0001", date(2025, 6, 1))] == ["CODE-UNKNOWN"]
