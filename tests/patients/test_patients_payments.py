"""Payment allocation and credit application, without a database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from openrcm.ledger import AccountKind
from openrcm.patients.payments import (
    OpenItem,
    PatientPayment,
    PaymentMethod,
    allocate,
    credit_application_entries,
    payment_entries,
)
from openrcm.patients.statements import cycle_due, next_dunning_level

D = Decimal
money = st.decimals(D("0.01"), D("5000.00"), places=2)


@given(money, st.lists(money, min_size=0, max_size=8))
def test_an_allocation_sums_exactly_to_the_payment_and_never_overpays_a_claim(
    amount: Decimal, dues: list[Decimal]
) -> None:
    items = [
        OpenItem(f"C{n}", "G1", due, date(2025, 1, 1) + timedelta(days=n))
        for n, due in enumerate(dues)
    ]
    parts, credit = allocate(amount, items)
    assert sum((p.amount for p in parts), D(0)) + credit == amount
    owed = {i.claim: i.due for i in items}
    assert all(0 < p.amount <= owed[p.claim] for p in parts)
    assert credit == max(D(0), amount - sum(dues, D(0)))
    payment = PatientPayment(
        id="p",
        guarantor_id="G1",
        amount=amount,
        method=PaymentMethod.CASH,
        received_on=date(2025, 4, 1),
    )
    entries = payment_entries(payment, parts, credit)
    assert sum((e.cash for e in entries), D(0)) == amount


def test_the_oldest_claim_is_paid_first() -> None:
    items = [
        OpenItem("NEW", "G", D("50.00"), date(2025, 3, 1)),
        OpenItem("OLD", "G", D("30.00"), date(2025, 1, 1)),
    ]
    parts, credit = allocate(D("40.00"), items)
    assert [(p.claim, p.amount) for p in parts] == [("OLD", D("30.00")), ("NEW", D("10.00"))]
    assert credit == 0


def test_an_earmarked_copay_waits_for_its_claim_and_general_credit_does_not() -> None:
    items = [OpenItem("OLD", "G", D("30.00"), date(2025, 1, 1))]
    held = {"VISIT": D("25.00"), None: D("10.00")}
    entries = credit_application_entries(
        "G", held, items, settled=set(), on=date(2025, 4, 1), id_prefix="t"
    )
    assert [(e.claim, -e.amount(AccountKind.PATIENT_AR)) for e in entries] == [("OLD", D("10.00"))]
    # once VISIT is adjudicated with nothing owed, its copay becomes general credit
    entries = credit_application_entries(
        "G", held, items, settled={"VISIT"}, on=date(2025, 4, 1), id_prefix="t"
    )
    assert sum((e.legs[1].amount for e in entries), D(0)) == D("-30.00")


def test_dunning_climbs_one_level_per_cycle_and_cycles_are_thirty_days() -> None:
    assert [next_dunning_level(p, 4) for p in (None, 1, 2, 3, 4)] == [1, 2, 3, 4, 4]
    assert next_dunning_level(3, 1) == 1  # paid down: back to the friendly reminder
    assert cycle_due(None, date(2025, 4, 1))
    assert not cycle_due(date(2025, 4, 1), date(2025, 4, 30))
    assert cycle_due(date(2025, 4, 1), date(2025, 5, 1))
