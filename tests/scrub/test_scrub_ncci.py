"""NCCI table loaders: CMS's quarterly layouts and openrcm's CSVs, dating, the binary cache."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from openrcm.datadir import DataDirNotFound, find_data_dir
from openrcm.scrub.ncci import (
    NcciFormatError,
    load_ptp,
    read_aoc,
    read_mue,
    read_ptp,
    read_ptp_cache,
)

DATA = Path(__file__).parent / "data"


def test_cms_ptp_text_layout_is_read_with_its_dates_and_indicators() -> None:
    table = read_ptp(DATA / "ptp_practitioner_cms_layout.txt")
    assert len(table) == 10
    edit = table.pair("45380", "45378", date(2024, 8, 1))
    assert edit is not None
    assert edit.modifier_indicator == "0"
    assert edit.effective_date == date(1996, 1, 1)
    assert edit.deletion_date is None
    assert edit.rationale == "CPT Separate procedure definition"
    # the order of the pair matters: column 1 then column 2
    assert table.pair("45378", "45380", date(2024, 8, 1)) is None


def test_a_ptp_edit_applies_only_from_its_effective_date_through_its_deletion_date() -> None:
    table = read_ptp(DATA / "ptp_practitioner_cms_layout.txt")
    assert table.pair("97140", "97530", date(2024, 12, 31)) is None
    assert table.pair("97140", "97530", date(2025, 1, 1)) is not None
    # 99213/99211: one row deleted 2019-12-31, a new one from 2020-01-01
    old = table.pair("99213", "99211", date(2019, 12, 31))
    new = table.pair("99213", "99211", date(2020, 1, 1))
    assert old is not None and old.deletion_date == date(2019, 12, 31)
    assert new is not None and new.deletion_date is None
    assert table.pair("99213", "99211", date(2010, 12, 31)) is None


def test_openrcm_csv_layout_plain_and_gzip_read_the_same(tmp_path: Path) -> None:
    plain = DATA / "ptp_openrcm_layout.csv"
    packed = tmp_path / "ptp.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert list(read_ptp(plain).rows()) == list(read_ptp(packed).rows())
    table = read_ptp(packed)
    assert table.pair("0001A", "0591T", date(2023, 12, 31)) is not None
    assert table.pair("0001A", "0591T", date(2024, 1, 1)) is None  # deleted
    assert table.pair("11042", "97597", date(2024, 8, 1)).modifier_indicator == "1"  # type: ignore[union-attr]


def test_rows_out_of_order_are_sorted_on_load(tmp_path: Path) -> None:
    source = tmp_path / "unsorted.csv"
    source.write_text(
        "column_1,column_2,deletion_date,modifier_indicator,ptp_edit_rationale\n"
        "99213,99211,*,1,Misuse of Column Two code with Column One code\n"
        "11042,97597,*,1,CPT Manual or CMS manual coding instruction\n"
        "11042,11000,*,1,CPT Manual or CMS manual coding instruction\n"
    )
    table = read_ptp(source)
    assert [(e.column_1, e.column_2) for e in table.rows()] == [
        ("11042", "11000"),
        ("11042", "97597"),
        ("99213", "99211"),
    ]
    assert table.pair("11042", "97597", date(2024, 1, 1)) is not None


def test_the_binary_cache_gives_back_the_same_table(tmp_path: Path) -> None:
    source = DATA / "ptp_practitioner_cms_layout.txt"
    first = load_ptp(source, cache_dir=tmp_path)
    [cached] = list(tmp_path.glob("ptp-*.bin"))
    assert list(read_ptp_cache(cached).rows()) == list(first.rows())
    again = load_ptp(source, cache_dir=tmp_path)
    assert list(again.rows()) == list(first.rows())


def test_a_file_in_neither_layout_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not an NCCI table\n")
    with pytest.raises(NcciFormatError, match=r"notes\.txt"):
        read_ptp(bad)
    with pytest.raises(NcciFormatError, match=r"notes\.txt"):
        read_mue(bad)
    broken = tmp_path / "broken.txt"
    broken.write_text(
        "Column 1\tColumn 2\tx\tEffective Date\tDeletion Date\tModifier\tRationale\n11042\t97597\t\t2005\t*\t7\tx\n"
    )
    with pytest.raises(NcciFormatError):
        read_ptp(broken)


def test_cms_mue_csv_layout_reads_the_adjudication_indicator_digit() -> None:
    table = read_mue(DATA / "mue_practitioner_cms_layout.csv")
    assert len(table) == 10
    edit = table.get("11042")
    assert edit is not None and (edit.value, edit.adjudication_indicator) == (1, "2")
    a0425 = table.get("A0425")
    assert a0425 is not None and (a0425.value, a0425.adjudication_indicator) == (250, "1")


def test_cms_aoc_layout_drops_edits_deleted_before_the_date() -> None:
    table = read_aoc(DATA / "aoc_cms_layout.csv", on=date(2024, 7, 1))
    add_on = table.get("99417")
    assert add_on is not None
    assert add_on.primary_codes == frozenset({"99205"})  # 99354's edit ended 2022-12-31
    assert table.get("11045").primary_codes == frozenset({"11042", "11043"})  # type: ignore[union-attr]


def test_openrcm_aoc_layout_keeps_contractor_defined_add_ons_without_primaries() -> None:
    table = read_aoc(DATA / "aoc_sample.csv")
    contractor = table.get("0054T")
    assert contractor is not None and contractor.edit_type == "2"
    assert contractor.primary_codes == frozenset()


def _shared() -> Path:
    try:
        return find_data_dir() / "cms" / "ncci"
    except DataDirNotFound:
        pytest.skip("shared reference data not present")


def test_the_shared_quarterly_tables_load_whole() -> None:
    folder = _shared()
    mue = read_mue(folder / "mue_practitioner_2024q3.csv")
    assert len(mue) == 14_677
    assert mue.get("99213").adjudication_indicator == "3"  # type: ignore[union-attr]
    aoc = read_aoc(folder / "aoc_2024q3.csv")
    assert len(aoc) == 668
    hospital = read_ptp(folder / "ptp_hospital_2024q3.csv.gz")
    assert len(hospital) == 1_775_818
    assert len(hospital.column_1) == 11_875
