"""The denial work queue: root causes from real CARC/RARC codes, deadlines, priority."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

import pytest

from openrcm.datadir import find_data_dir
from openrcm.denials import (
    AppealLevel,
    AppealPolicy,
    Band,
    Category,
    ReasonCodes,
    appeal_deadline,
    build_cases,
    days_left,
    group_by_category,
    load_appeal_policies,
    load_reason_codes,
    policy_for,
    root_cause,
)
from openrcm.domain.party import ClaimFilingIndicator, Payer
from openrcm.remit.queues import Denial

D = Decimal
MEDICARE = Payer(
    id="MCR01", name="Medicare Part B", claim_filing_indicator=ClaimFilingIndicator.MEDICARE_B
)
COMMERCIAL = Payer(id="87726", name="Prairie Health Plan", appeal_days=60)
PAYERS = {p.id: p for p in (MEDICARE, COMMERCIAL)}


@cache
def codes() -> ReasonCodes:
    return load_reason_codes(find_data_dir() / "x12codes")


def denial(
    pcn: str = "C1",
    *carcs: str,
    remarks: tuple[str, ...] = (),
    amount: str = "100.00",
    line: int | None = None,
    payer: str = "87726",
    on: date = date(2025, 3, 10),
    check: str = "87726/EFT1",
) -> Denial:
    return Denial(
        check=check,
        patient_control_number=pcn,
        claim_id=f"clm-{pcn}",
        payer_id=payer,
        denied_amount=D(amount),
        denial_date=on,
        line=line,
        procedure="99214" if line else None,
        carcs=carcs,
        remark_codes=remarks,
        payer_claim_number=f"ICN-{pcn}",
    )


@pytest.mark.parametrize(
    ("carcs", "remarks", "category"),
    [
        # 27: expenses incurred after coverage terminated
        (("CO-27",), (), Category.ELIGIBILITY),
        # 31: patient cannot be identified as our insured
        (("CO-31",), ("MA61",), Category.ELIGIBILITY),
        # 197: precertification/authorization/notification absent
        (("CO-197",), (), Category.AUTHORISATION),
        (("CO-15",), ("N54",), Category.AUTHORISATION),
        # 11: diagnosis inconsistent with the procedure; 4: modifier inconsistent
        (("CO-11",), ("M76",), Category.CODING),
        (("CO-4",), ("N519",), Category.CODING),
        # 97: included in the payment for another service; B15 needs a qualifying service
        (("CO-97",), ("M15",), Category.BUNDLING),
        (("CO-B15",), (), Category.BUNDLING),
        # 50: not deemed a medical necessity, with the LCD remark
        (("CO-50",), ("N115",), Category.MEDICAL_NECESSITY),
        # 29: the time limit for filing has expired
        (("CO-29",), (), Category.TIMELY_FILING),
        # 18: exact duplicate claim/service
        (("OA-18",), ("N522",), Category.DUPLICATE),
        # 16: claim lacks information, with the remark naming what is missing
        (("CO-16",), ("MA130", "N290"), Category.MISSING_INFORMATION),
        # 22: may be covered by another payer per coordination of benefits
        (("CO-22",), (), Category.COORDINATION_OF_BENEFITS),
    ],
)
def test_each_denial_category_is_recognised_from_the_codes_payers_send(
    carcs: tuple[str, ...], remarks: tuple[str, ...], category: Category
) -> None:
    assert root_cause(carcs, remarks, codes()) is category
    (case,) = build_cases(
        [denial("C1", *carcs, remarks=remarks)], PAYERS, codes(), today=date(2025, 3, 20)
    )
    assert case.category is category
    assert case.action


def test_contractual_and_patient_adjustments_do_not_hide_the_real_cause() -> None:
    # a line denied for medical necessity, with the contractual write-down and a deductible
    assert root_cause(("CO-45", "PR-1", "CO-50"), (), codes()) is Category.MEDICAL_NECESSITY


def test_the_upstream_cause_wins_when_the_codes_name_several() -> None:
    # no coverage makes the coding question moot
    assert root_cause(("CO-11", "CO-27"), (), codes()) is Category.ELIGIBILITY


def test_a_remark_names_the_cause_when_the_carc_is_generic() -> None:
    # A1: "Claim/Service denied. At least one Remark Code must be provided"
    assert root_cause(("CO-A1",), ("N115",), codes()) is Category.MEDICAL_NECESSITY
    assert root_cause(("CO-A1",), ("N290",), codes()) is Category.MISSING_INFORMATION
    assert root_cause(("CO-A1",), (), codes()) is Category.OTHER
    assert root_cause(("CO-999",), (), codes()) is Category.OTHER


def test_medicare_redetermination_is_due_120_days_after_receipt_presumed_5_days_after_the_notice() -> (
    None
):
    policy = policy_for(MEDICARE)
    assert policy.level(1).days == 120 and policy.receipt_days == 5
    # notice dated Monday 2025-03-10: received 03-15, plus 120 days is Sunday 2025-07-13,
    # so the deadline moves to Monday 2025-07-14
    assert appeal_deadline(date(2025, 3, 10), policy) == date(2025, 7, 14)
    # notice dated 2025-03-07 (Friday): 125 days later is Thursday 2025-07-10
    assert appeal_deadline(date(2025, 3, 7), policy) == date(2025, 7, 10)
    # the reconsideration (QIC) is due 180 days after the redetermination is received
    assert appeal_deadline(date(2025, 8, 1), policy, level=2) == date(2026, 2, 2)


def test_a_commercial_payer_counts_its_own_contract_days_from_the_denial() -> None:
    policy = policy_for(COMMERCIAL)
    assert appeal_deadline(date(2025, 3, 10), policy) == date(2025, 5, 9)  # 60 days
    assert days_left(date(2025, 5, 9), date(2025, 5, 9)) == 0
    assert days_left(date(2025, 5, 9), date(2025, 5, 10)) == -1
    with pytest.raises(ValueError):
        policy.level(3)


def test_configured_policies_override_the_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "appeals.yaml"
    path.write_text(
        "- payer_id: '87726'\n"
        "  levels: [{name: provider dispute, days: 180}]\n"
        "- payer_id: '*'\n"
        "  levels: [{name: appeal, days: 90}]\n"
    )
    policies = load_appeal_policies(path)
    assert policy_for(COMMERCIAL, policies).level(1) == AppealLevel(
        name="provider dispute", days=180
    )
    assert appeal_deadline(date(2025, 1, 1), policy_for(MEDICARE, policies)) == date(2025, 4, 1)
    path.write_text("- payer_id: X\n  levels: []\n")
    with pytest.raises(ValueError):
        load_appeal_policies(path)


def test_line_denials_of_one_claim_make_one_partial_case() -> None:
    found = build_cases(
        [
            denial("C7", "CO-97", line=2, amount="40.00"),
            denial("C7", "CO-97", "CO-45", line=3, amount="25.00"),
        ],
        PAYERS,
        codes(),
        today=date(2025, 3, 20),
    )
    (case,) = found
    assert not case.full_denial
    assert case.lines == (2, 3)
    assert case.denied_amount == D("65.00")
    assert case.carcs == ("CO-97", "CO-45")
    assert case.category is Category.BUNDLING
    assert case.payer_claim_control_number == "ICN-C7"


def test_priority_puts_big_denials_near_their_deadline_first_and_expired_ones_last() -> None:
    today = date(2025, 5, 1)
    cases = build_cases(
        [
            # 60-day commercial policy: deadline 2025-05-09, 8 days left, $800 → $100/day
            denial("NEAR", "CO-50", amount="800.00", on=date(2025, 3, 10)),
            # deadline 2025-06-29, 59 days left, $900 → $15.25/day
            denial("FAR", "CO-50", amount="900.00", on=date(2025, 4, 30)),
            # deadline 2025-06-29, $50 → $0.85/day: low
            denial("SMALL", "CO-16", amount="50.00", on=date(2025, 4, 30)),
            # deadline passed on 2025-04-01
            denial("LATE", "CO-29", amount="5000.00", on=date(2025, 1, 31)),
            # Medicare: 2025-04-14 + 125 days = 2025-08-17 (Sunday) → 2025-08-18
            denial(
                "MCR",
                "CO-50",
                amount="300.00",
                on=date(2025, 4, 14),
                payer="MCR01",
                check="MCR01/1",
            ),
        ],
        PAYERS,
        codes(),
        today=today,
    )
    order = [c.patient_control_number for c in cases]
    assert order == ["NEAR", "FAR", "MCR", "SMALL", "LATE"]
    by_id = {c.patient_control_number: c for c in cases}
    assert by_id["NEAR"].days_left == 8 and by_id["NEAR"].priority == D("100.00")
    assert by_id["NEAR"].band is Band.HIGH
    assert by_id["FAR"].priority == D("15.25") and by_id["FAR"].band is Band.HIGH
    assert by_id["SMALL"].band is Band.LOW
    assert by_id["LATE"].band is Band.EXPIRED and by_id["LATE"].priority == 0
    assert by_id["MCR"].deadline == date(2025, 8, 18)
    assert by_id["MCR"].appeal_level.startswith("redetermination")


def test_the_queue_is_grouped_by_root_cause_with_the_most_money_first() -> None:
    cases = build_cases(
        [
            denial("A", "CO-197", amount="100.00"),
            denial("B", "CO-50", amount="700.00"),
            denial("C", "CO-197", amount="300.00"),
        ],
        PAYERS,
        codes(),
        today=date(2025, 3, 20),
    )
    piles = group_by_category(cases)
    assert list(piles) == [Category.MEDICAL_NECESSITY, Category.AUTHORISATION]
    assert [c.patient_control_number for c in piles[Category.AUTHORISATION]] == ["C", "A"]


def test_an_unknown_payer_gets_a_default_policy() -> None:
    (case,) = build_cases(
        [denial("Z", "CO-50", payer="UNKNOWN")], {}, codes(), today=date(2025, 3, 20)
    )
    assert case.deadline == date(2025, 7, 8)  # 120 days


def test_policy_levels_must_exist() -> None:
    with pytest.raises(ValueError):
        AppealPolicy(levels=())
