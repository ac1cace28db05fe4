"""The charge master: CSV import with row findings, effective dating, components, rate
changes, amounts from a fee schedule; NDC forms; replacements and voids of a built claim."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from billing_testkit import charge_master, knee_injection_visit, parties

from openrcm.billing import (
    ChargeFileError,
    ChargeMaster,
    build_professional_claim,
    charge_master_from_amounts,
    is_drug_code,
    normalize_ndc,
    raise_rates,
    read_charge_csv,
    resubmission_of,
)
from openrcm.domain import ClaimStatus

JAN = date(2025, 1, 1)


def test_rows_that_cannot_be_used_are_findings_with_their_line() -> None:
    rates, findings = read_charge_csv(
        'code,charge,ndc\n99213,150.00,\n99214,abc,\nJ3301,12.50,12345\n20610,"$1,240.00",\n',
        effective_date=JAN,
    )
    assert [(r.code, r.charge_amount) for r in rates] == [
        ("99213", Decimal("150.00")),
        ("20610", Decimal("1240.00")),
    ]
    assert [f.code for f in findings] == ["BILL-FEE-ROW", "BILL-FEE-ROW"]
    assert "line 3" in findings[0].message and "line 4" in findings[1].message


def test_a_file_without_a_charge_column_cannot_be_read() -> None:
    with pytest.raises(ChargeFileError):
        read_charge_csv("code,price\n99213,150\n", effective_date=JAN)


def test_a_row_may_carry_its_own_effective_date() -> None:
    rates, _ = read_charge_csv(
        "code,charge,effective_date\n99213,150,2025-01-01\n99213,160,2025-04-01\n"
    )
    master = ChargeMaster(rates)
    assert master.rate("99213", date(2025, 3, 31)).charge_amount == Decimal("150")  # type: ignore[union-attr]
    assert master.rate("99213", date(2025, 4, 1)).charge_amount == Decimal("160")  # type: ignore[union-attr]
    assert master.rate("99213", date(2024, 12, 31)) is None


def test_a_component_without_its_own_rate_falls_back_to_the_whole_service() -> None:
    master = charge_master()
    assert master.rate("93000", JAN, ("26",)).charge_amount == Decimal("30.00")  # type: ignore[union-attr]
    assert master.rate("93000", JAN, ("TC",)).charge_amount == Decimal("75.00")  # type: ignore[union-attr]


def test_a_rate_change_raises_the_rates_in_force_the_day_before() -> None:
    master = charge_master()
    change = raise_rates(
        master, Decimal("1.05"), effective_date=date(2025, 10, 1), codes=["99213", "20610"]
    )
    assert [(r.code, r.charge_amount) for r in change] == [
        ("20610", Decimal("252.00")),
        ("99213", Decimal("173.00")),  # 165.00 (July) x 1.05 = 173.25, whole dollars
    ]
    after = master.with_rates(change)
    assert after.rate("99213", date(2025, 9, 30)).charge_amount == Decimal("165.00")  # type: ignore[union-attr]
    assert after.rate("99213", date(2025, 10, 1)).charge_amount == Decimal("173.00")  # type: ignore[union-attr]
    assert len(after.history("99213")) == 3


def test_a_charge_master_from_fee_schedule_amounts_times_a_multiplier() -> None:
    # national PFS amounts (CY2025): 99213 91.37, 93000-26 8.09
    master = charge_master_from_amounts(
        {"99213": Decimal("91.37"), ("93000", "26"): Decimal("8.09")},
        effective_date=JAN,
        multiplier=Decimal("2.5"),
    )
    assert master.rate("99213", JAN).charge_amount == Decimal("228.00")  # type: ignore[union-attr]
    assert master.rate("93000", JAN, ("26",)).charge_amount == Decimal("20.00")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("printed", "eleven"),
    [
        ("0003-0293-05", "00003029305"),  # 4-4-2
        ("50242-040-62", "50242004062"),  # 5-3-2
        ("60505-2519-1", "60505251901"),  # 5-4-1
        ("00003029305", "00003029305"),
        ("00003-0293-05", "00003029305"),
    ],
)
def test_ndcs_become_eleven_digits(printed: str, eleven: str) -> None:
    assert normalize_ndc(printed) == eleven


@pytest.mark.parametrize("text", ["0003029305", "0003-293-05", "ABCDE-1234-12", ""])
def test_ambiguous_or_malformed_ndcs_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        normalize_ndc(text)


def test_drug_codes() -> None:
    assert all(is_drug_code(c) for c in ("J3301", "J7050", "Q5103", "90686", "90375"))
    assert not any(is_drug_code(c) for c in ("99213", "G0008", "Q0091", "90471", "A4550"))


def test_a_replacement_and_a_void_of_a_built_claim(practice) -> None:  # type: ignore[no-untyped-def]
    original = build_professional_claim(
        knee_injection_visit(), parties(practice), charge_master(),
        claim_id="clm-1", patient_control_number="B000000001",
    ).claim  # fmt: skip
    assert original is not None
    submitted = original.model_copy(update={"status": ClaimStatus.SUBMITTED})
    replacement = resubmission_of(submitted, "7", "2025087000123", claim_id="clm-1-r")
    void = resubmission_of(submitted, "8", "2025087000123", claim_id="clm-1-v")
    assert (replacement.frequency_code, replacement.payer_claim_control_number) == (
        "7",
        "2025087000123",
    )
    assert replacement.status is ClaimStatus.DRAFT and replacement.lines == original.lines
    assert void.frequency_code == "8"
    with pytest.raises(ValueError):
        resubmission_of(submitted, "1", "2025087000123", claim_id="x")
