"""Medicare PFS prices against amounts worked out by hand from the CMS CY2025 files.

Each expected amount is (work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) ×
32.3465, rounded half-up to cents, with the RVUs copied from pprrvu2025_oct_tidy.csv and the
GPCIs from gpci2025_tidy.csv. Los Angeles (01182-18): 1.042 / 1.194 / 0.69. Rest of
Florida (09102-99): 1.000 / 0.94 / 1.467.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest

from openrcm.datadir import find_data_dir
from openrcm.pricing import (
    FACILITY_POS,
    NATIONAL,
    MedicarePfs,
    PfsStatus,
    SameDayLine,
    UnknownLocality,
    apply_same_day_rules,
    load_medicare_pfs,
)

LA = "01182-18"
FLORIDA = "09102-99"
DAY = date(2025, 6, 2)
OFFICE, OUTPATIENT_HOSPITAL = "11", "22"


@cache
def pfs() -> MedicarePfs:
    return load_medicare_pfs(find_data_dir() / "cms" / "pfs2025")


@pytest.mark.parametrize(
    ("code", "modifiers", "locality", "pos", "expected", "rvus"),
    [
        # LA, office: 99213 (1.30×1.042 + 1.35×1.194 + 0.10×0.69) × 32.3465 = 98.1878...
        ("99213", (), LA, OFFICE, "98.19", ("1.30", "1.35", "0.10")),
        # LA, hospital outpatient uses the facility PE RVU 0.57: 68.0628...
        ("99213", (), LA, OUTPATIENT_HOSPITAL, "68.06", ("1.30", "0.57", "0.10")),
        ("99214", (), LA, OFFICE, "137.58", ("1.92", "1.80", "0.15")),
        ("20610", (), LA, OFFICE, "69.70", ("0.79", "1.04", "0.13")),
        ("10060", (), LA, OFFICE, "140.19", ("1.22", "2.49", "0.13")),
        ("27447", (), LA, "21", "1340.36", ("19.60", "15.30", "3.98")),
        ("43239", (), LA, OFFICE, "409.91", ("2.39", "8.36", "0.29")),
        ("43239", (), LA, "24", "141.87", ("2.39", "1.42", "0.29")),
        ("64483", (), LA, OFFICE, "269.99", ("1.90", "5.24", "0.16")),
        # Rest of Florida: work 1.000, PE 0.94, MP 1.467
        ("99213", (), FLORIDA, OFFICE, "87.84", ("1.30", "1.35", "0.10")),
        ("99213", (), FLORIDA, "23", "64.13", ("1.30", "0.57", "0.10")),
        ("99214", (), FLORIDA, OFFICE, "123.95", ("1.92", "1.80", "0.15")),
        ("29881", (), FLORIDA, "24", "543.29", ("7.03", "8.22", "1.39")),
        ("11042", (), FLORIDA, OFFICE, "121.85", ("1.01", "2.73", "0.13")),
        # professional (26) and technical (TC) components have rows of their own
        ("71046", (), LA, OFFICE, "37.60", ("0.22", "0.77", "0.02")),
        ("71046", ("26",), LA, "21", "10.73", ("0.22", "0.08", "0.01")),
        ("71046", ("TC",), LA, OFFICE, "26.87", ("0.00", "0.69", "0.01")),
        ("70553", ("26",), FLORIDA, OFFICE, "105.17", ("2.29", "0.82", "0.13")),
        ("70553", ("TC",), FLORIDA, OFFICE, "197.24", ("0.00", "6.44", "0.03")),
        ("73721", ("TC",), FLORIDA, OFFICE, "130.65", ("0.00", "4.25", "0.03")),
    ],
)
def test_prices_match_the_cms_formula_worked_by_hand(
    code: str,
    modifiers: tuple[str, ...],
    locality: str,
    pos: str,
    expected: str,
    rvus: tuple[str, str, str],
) -> None:
    price = pfs().price(code, modifiers, locality=locality, place_of_service=pos, service_date=DAY)
    assert price.status is PfsStatus.PRICED
    assert price.allowed == Decimal(expected)
    assert (price.rvu_work, price.rvu_pe, price.rvu_mp) == tuple(Decimal(r) for r in rvus)
    assert price.facility == (pos in FACILITY_POS)
    assert price.conversion_factor == Decimal("32.3465")


def test_every_national_non_facility_amount_is_total_rvus_times_the_conversion_factor() -> None:
    path = find_data_dir() / "cms" / "pfs2025" / "pprrvu2025_oct_tidy.csv"
    checked = 0
    with Path(path).open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["status_code"] not in {"A", "T"}:
                continue
            modifiers = (row["mod"],) if row["mod"] else ()
            price = pfs().price(
                row["hcpcs"],
                modifiers,
                locality=NATIONAL,
                place_of_service=OFFICE,
                service_date=DAY,
            )
            expected = (Decimal(row["non_facility_total"]) * Decimal("32.3465")).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            assert price.allowed == expected, row["hcpcs"]
            checked += 1
    assert checked > 9000


def test_a_zip_code_finds_its_locality() -> None:
    assert pfs().locality_for_zip("90012") == LA
    assert pfs().locality_for_zip("32801-1234") == FLORIDA  # Orlando
    with pytest.raises(UnknownLocality):
        pfs().locality_for_zip("00000")
    with pytest.raises(UnknownLocality):
        pfs().gpci("12345-67")


def test_localities_are_accepted_with_or_without_the_dash() -> None:
    assert pfs().gpci("0118218") == pfs().gpci(LA)


def test_a_date_outside_the_schedule_year_is_refused() -> None:
    with pytest.raises(ValueError, match="not in force"):
        pfs().price("99213", locality=LA, place_of_service=OFFICE, service_date=date(2024, 12, 31))


def test_bilateral_indicator_1_pays_150_percent() -> None:
    price = pfs().price("20610", ("50",), locality=LA, place_of_service=OFFICE, service_date=DAY)
    assert price.fee_schedule_amount == Decimal("69.70")
    assert price.allowed == Decimal("104.55")  # 69.70 × 1.5


def test_bilateral_indicator_3_pays_each_side() -> None:
    # 73721 has bilateral indicator 3: 100% for each side
    price = pfs().price("73721", ("50",), locality=LA, place_of_service=OFFICE, service_date=DAY)
    assert price.allowed == Decimal("461.92")  # 230.96 × 2


def test_assistant_at_surgery_is_16_percent_and_a_non_physician_assistant_85_percent_of_that() -> (
    None
):
    surgeon = pfs().price("27447", locality=LA, place_of_service="21", service_date=DAY)
    assistant = pfs().price("27447", ("80",), locality=LA, place_of_service="21", service_date=DAY)
    non_physician = pfs().price(
        "27447", ("AS",), locality=LA, place_of_service="21", service_date=DAY
    )
    assert surgeon.allowed == Decimal("1340.36")
    assert assistant.allowed == Decimal("214.46")  # 1340.36 × 0.16 = 214.4576
    assert non_physician.allowed == Decimal("182.29")  # 1340.36 × 0.136 = 182.28896


def test_an_assistant_is_not_paid_where_the_indicator_forbids_it() -> None:
    # 29881 has assistant indicator 0: not paid without documentation
    price = pfs().price("29881", ("80",), locality=LA, place_of_service="24", service_date=DAY)
    assert price.status is PfsStatus.NOT_PAYABLE
    assert price.carc == "54"


def test_co_surgeons_each_get_62_and_a_half_percent() -> None:
    price = pfs().price("27447", ("62",), locality=LA, place_of_service="21", service_date=DAY)
    assert price.allowed == Decimal("837.73")  # 1340.36 × 0.625 = 837.725
    refused = pfs().price("29881", ("62",), locality=LA, place_of_service="24", service_date=DAY)
    assert refused.status is PfsStatus.NOT_PAYABLE


def test_a_component_modifier_on_a_code_without_components_is_not_payable() -> None:
    price = pfs().price("99213", ("26",), locality=LA, place_of_service=OFFICE, service_date=DAY)
    assert price.status is PfsStatus.NOT_PAYABLE
    assert price.carc == "4"
    assert any(f.code == "PFS-MODIFIER-INVALID" for f in price.findings)


@pytest.mark.parametrize(
    ("code", "status", "carc"),
    [
        ("36416", PfsStatus.NOT_PAYABLE, "97"),
        ("0469T", PfsStatus.NOT_PAYABLE, "96"),
        ("36415", PfsStatus.NOT_PRICED, None),
    ],
)
def test_status_codes_decide_payment(code: str, status: PfsStatus, carc: str | None) -> None:
    price = pfs().price(code, locality=LA, place_of_service=OFFICE, service_date=DAY)
    assert price.status is status
    assert price.carc == carc
    assert price.allowed == Decimal("0.00")


def test_units_multiply_after_rounding_the_unit_fee() -> None:
    price = pfs().price(
        "99213", locality=LA, place_of_service=OFFICE, service_date=DAY, units=Decimal(3)
    )
    assert price.allowed == Decimal("294.57")  # 98.19 × 3


def _same_day(*items: tuple[str, tuple[str, ...], str]) -> dict[int, Decimal]:
    lines = [
        SameDayLine(
            number,
            DAY,
            "1234567893",
            pfs().price(code, mods, locality=LA, place_of_service=pos, service_date=DAY),
        )
        for number, (code, mods, pos) in enumerate(items, start=1)
    ]
    return {n: p.allowed for n, p in apply_same_day_rules(pfs(), lines).items()}


def test_multiple_surgery_pays_the_highest_in_full_and_the_rest_at_half() -> None:
    # LA office: 11042 142.38, 10060 140.19, 17000 75.36, all indicator 2
    allowed = _same_day(("10060", (), OFFICE), ("17000", (), OFFICE), ("11042", (), OFFICE))
    assert allowed == {1: Decimal("70.10"), 2: Decimal("37.68"), 3: Decimal("142.38")}


def test_endoscopies_in_one_family_pay_less_the_base_and_rank_as_one_procedure() -> None:
    # LA ASC: 43239 141.87 and its base 43235 126.29 (family 43235); 45380 205.02 (family 45378)
    allowed = _same_day(("43235", (), "24"), ("43239", (), "24"), ("45380", (), "24"))
    # 45380 ranks first (205.02 > family total 141.87 + 0.00); the family is paid at 50%
    assert allowed == {1: Decimal("0.00"), 2: Decimal("70.94"), 3: Decimal("205.02")}


def test_second_imaging_study_loses_half_its_technical_and_five_percent_of_its_professional_part() -> (
    None
):
    # LA office: 70553 361.15 (PC 111.76, TC 249.39); 73721 230.96 (PC 66.15, TC 164.81)
    allowed = _same_day(("70553", (), OFFICE), ("73721", (), OFFICE))
    # 73721: 230.96 − (164.81 × 0.5 + 66.15 × 0.05) = 230.96 − 85.7125 → 145.25
    assert allowed == {1: Decimal("361.15"), 2: Decimal("145.25")}


def test_a_single_procedure_is_not_reduced() -> None:
    assert _same_day(("11042", (), OFFICE)) == {1: Decimal("142.38")}
