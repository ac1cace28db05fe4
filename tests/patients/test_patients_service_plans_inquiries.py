"""Payment plans and the inquiry log through storage (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from patients_factories import cas, claim, clp, era, post, store_family, svc

from openrcm.patients.payments import PatientPayment, PaymentMethod
from openrcm.service import patients as service

D = Decimal
G = "gua-okafor"


@pytest.fixture
def owing(uow, practice):  # type: ignore[no-untyped-def]
    store_family(uow, practice, [claim(practice, "V1", "500.00", dos=date(2025, 3, 10))])
    post(
        uow,
        era(
            practice.payer.id,
            clp(
                "V1",
                "500.00",
                "200.00",
                svc("99214", "500.00", "200.00", cas("PR", "1", "300.00"), line=1),
            ),
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    return uow


def test_a_plan_splits_the_balance_exactly_and_payments_pay_it_down(owing) -> None:
    uow = owing
    plan = service.create_payment_plan(
        uow, G, instalments=7, first_due=date(2025, 5, 1), as_of=date(2025, 4, 15)
    )
    amounts = [i.amount for i in plan.instalments]
    assert (
        sum(amounts, D(0)) == D("300.00") and amounts[-1] == D("42.90") and amounts[0] == D("42.85")
    )
    with pytest.raises(service.AccountError, match="active"):
        service.create_payment_plan(uow, G, instalments=3, first_due=date(2025, 5, 1))
    service.post_payment(
        uow,
        PatientPayment(
            id="p1",
            guarantor_id=G,
            amount=D("50.00"),
            method=PaymentMethod.CASH,
            received_on=date(2025, 5, 1),
        ),
    )
    stored = service.plans(uow, guarantor_id=G)[0]
    assert [i.paid_amount for i in stored.instalments[:2]] == [D("42.85"), D("7.15")]
    results = service.run_statement_cycle(uow, as_of=date(2025, 5, 20))
    assert results[0].statement.amount_due == D("250.00")
    assert results[0].statement.plan_note.startswith("Payment plan: 1 of 7 instalments paid")
    assert results[0].statement.dunning_level == 1


def test_missed_instalments_default_the_plan_and_the_statement_says_so(owing) -> None:
    uow = owing
    service.create_payment_plan(
        uow, G, instalments=3, first_due=date(2025, 5, 1), as_of=date(2025, 4, 15)
    )
    assert (
        service.review_plans(uow, as_of=date(2025, 6, 5))[0].status.value == "active"
    )  # one missed
    reviewed = service.review_plans(uow, as_of=date(2025, 7, 15))  # three missed
    assert reviewed[0].status.value == "defaulted"
    results = service.run_statement_cycle(uow, as_of=date(2025, 7, 16))
    assert "DEFAULTED" in (results[0].statement.plan_note or "")
    assert results[0].statement.dunning_level == 1  # first cycle statement: one level at a time


def test_a_plan_for_more_than_is_due_is_refused(owing) -> None:
    with pytest.raises(service.AccountError, match="exceeds"):
        service.create_payment_plan(
            owing, G, instalments=3, first_due=date(2025, 5, 1), amount=D("400.00")
        )


def test_inquiries_are_logged_with_follow_up_tasks_by_due_date(owing) -> None:
    uow = owing
    _, task = service.log_inquiry(
        uow,
        guarantor_id=G,
        source="patient",
        channel="call",
        summary="Asks why the deductible applied to the March visit",
        received_at=datetime(2025, 4, 20, 15, 0, tzinfo=UTC),
        claim="V1",
        follow_up="Send the EOB and explain the deductible",
        due_date=date(2025, 4, 25),
    )
    payer_inquiry, _ = service.log_inquiry(
        uow,
        guarantor_id=G,
        source="payer",
        channel="message",
        payer_id="87726",
        summary="Payer requests the operative note",
        received_at=datetime(2025, 4, 21, 9, 0, tzinfo=UTC),
        claim="V1",
    )
    later = service.add_follow_up(
        uow, payer_inquiry.id, description="Fax the note", due_date=date(2025, 5, 5)
    )
    assert [t.id for t in service.open_tasks(uow, due_by=date(2025, 4, 30))] == [task.id]
    service.complete_task(uow, task.id, on=date(2025, 4, 24))
    assert [t.id for t in service.open_tasks(uow)] == [later.id]
    found = service.inquiries(uow, claim="V1")
    assert [(i.source.value, len(tasks)) for i, tasks in found] == [("patient", 1), ("payer", 1)]
    assert found[0][1][0].done_on == date(2025, 4, 24)
    with pytest.raises(ValueError, match="payer"):
        service.log_inquiry(
            uow,
            guarantor_id=G,
            source="payer",
            channel="call",
            summary="x",
            received_at=datetime(2025, 4, 21, tzinfo=UTC),
        )
