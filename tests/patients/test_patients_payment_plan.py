from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrcm.patients.payment_plan import (
    PlanStatus,
    add_months,
    apply_payment,
    create_plan,
    review,
)


@given(st.decimals(Decimal("1.00"), Decimal("50000.00"), places=2), st.integers(1, 36))
def test_instalments_sum_exactly_to_the_balance(balance: Decimal, count: int) -> None:
    if balance < Decimal("0.01") * count:
        return
    plan = create_plan("g1", balance, instalments=count, first_due=date(2025, 1, 31))
    amounts = [i.amount for i in plan.instalments]
    assert sum(amounts, Decimal(0)) == balance
    assert len(set(amounts[:-1])) <= 1 and amounts[-1] >= amounts[0]


def test_the_remainder_goes_on_the_last_instalment() -> None:
    plan = create_plan("g1", Decimal("100.00"), instalments=3, first_due=date(2025, 1, 15))
    assert [i.amount for i in plan.instalments] == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert [i.due_date for i in plan.instalments] == [
        date(2025, 1, 15),
        date(2025, 2, 15),
        date(2025, 3, 15),
    ]


def test_month_ends_are_clamped() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_payments_apply_oldest_first_and_pay_off_the_plan() -> None:
    plan = create_plan("g1", Decimal("300.00"), instalments=3, first_due=date(2025, 1, 1))
    plan, excess = apply_payment(plan, Decimal("150.00"))
    assert excess == 0
    assert [i.paid_amount for i in plan.instalments] == [
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("0.00"),
    ]
    plan, excess = apply_payment(plan, Decimal("175.00"))
    assert plan.status is PlanStatus.PAID_OFF and excess == Decimal("25.00")
    with pytest.raises(ValueError, match="paid_off"):
        apply_payment(plan, Decimal("1.00"))


def test_a_plan_defaults_after_more_misses_than_allowed() -> None:
    plan = create_plan(
        "g1", Decimal("600.00"), instalments=6, first_due=date(2025, 1, 1), max_missed=2
    )
    assert len(plan.missed(date(2025, 1, 11))) == 0  # still within the grace period
    assert review(plan, date(2025, 2, 20)).status is PlanStatus.ACTIVE  # two misses
    assert review(plan, date(2025, 3, 20)).status is PlanStatus.DEFAULTED  # three misses
    paid, _ = apply_payment(plan, Decimal("300.00"))
    assert review(paid, date(2025, 3, 20)).status is PlanStatus.ACTIVE


def test_impossible_plans_are_refused() -> None:
    with pytest.raises(ValueError):
        create_plan("g1", Decimal("0.00"), instalments=3, first_due=date(2025, 1, 1))
    with pytest.raises(ValueError):
        create_plan("g1", Decimal("0.02"), instalments=3, first_due=date(2025, 1, 1))
