"""Charges come from the Medicare PFS national amounts times the practice's multiplier."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from openrcm.synth import (
    SyntheticPractice,
    builtin_fee_catalog,
    iter_claims,
    load_fee_catalog,
    make_practice,
    procedure_codes,
)
from openrcm.synth.feeschedule import build_charge_master


def test_the_built_in_rows_are_the_cms_file_rows(pfs_path: Path) -> None:
    built_in = builtin_fee_catalog()
    with pfs_path.open() as handle:
        rows = {
            (r["hcpcs"], r["mod"]): r
            for r in csv.DictReader(handle)
            if r["hcpcs"] in procedure_codes() and r["mod"] in {"", "26", "TC"}
        }
    assert set(built_in.rows) == set(rows)
    for key, row in built_in.rows.items():
        source = rows[key]
        assert row.status == source["status_code"]
        assert row.non_facility_rvu == Decimal(source["non_facility_total"])
        assert row.facility_rvu == Decimal(source["facility_total"])
        assert row.conversion_factor == Decimal(source["conv_factor"])
        assert (row.pctc, row.bilateral) == (source["pctc_ind"], source["bilat_surg"])


def test_every_code_the_scenarios_bill_is_priced() -> None:
    catalog = builtin_fee_catalog()
    assert all(catalog.priced(code) for code in procedure_codes())


def test_a_charge_is_the_national_amount_times_the_multiplier_in_whole_dollars() -> None:
    master = build_charge_master(builtin_fee_catalog(), Decimal("2.00"))
    # 99213: 2.75 non-facility RVUs x 32.3465 = 88.95 nationally; x 2 = 177.90 -> 178
    assert master.unit_charge("99213") == Decimal("178")
    # 71046-26: 0.31 x 32.3465 = 10.03; x 2 = 20.06 -> 20; the global service charges more
    assert master.unit_charge("71046", ("26",)) == Decimal("20")
    assert master.unit_charge("71046") == Decimal("65")
    # bilateral (50) on one line bills both sides
    assert master.unit_charge("20610", ("50",)) == 2 * master.unit_charge("20610", ("RT",))


def test_claim_lines_are_priced_from_the_charge_master(practice: SyntheticPractice) -> None:
    master = practice.charge_master
    assert Decimal("1.70") <= master.multiplier <= Decimal("2.60")
    for claim in practice.claims[:500]:
        for line in claim.lines:
            unit = master.unit_charge(line.procedure, line.modifiers)
            assert line.charge_amount == unit * line.units
            assert unit == unit.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def test_the_file_and_the_built_in_copy_give_the_same_claims(pfs_path: Path) -> None:
    from_file = make_practice(4, claims=200, pfs=pfs_path)
    built_in = make_practice(4, claims=200)
    assert list(iter_claims(from_file)) == list(iter_claims(built_in))


def test_a_loaded_catalog_can_be_passed_in(pfs_path: Path) -> None:
    catalog = load_fee_catalog(pfs_path, procedure_codes())
    practice = make_practice(4, claims=50, pfs=catalog)
    assert practice.fee_source == str(pfs_path)
    assert len(list(iter_claims(practice))) == 50


def test_a_missing_fee_file_is_an_error_not_a_silent_fallback(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        make_practice(1, pfs=tmp_path / "missing.csv")
