"""Patient payments, copays, credit balances, refunds and small-balance write-offs through
storage, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from patients_factories import cas, claim, clp, era, post, store_family, svc

from openrcm.ledger import claim_balance
from openrcm.patients.payments import PatientPayment, PaymentMethod
from openrcm.patients.policy import PatientAccountPolicy
from openrcm.service import ledger as ledger_service
from openrcm.service import patients as service

D = Decimal
G = "gua-okafor"


@pytest.fixture
def three_visits(uow, practice):  # type: ignore[no-untyped-def]
    store_family(
        uow,
        practice,
        [
            claim(practice, "V1", "100.00", dos=date(2025, 1, 10)),
            claim(practice, "V2", "100.00", dos=date(2025, 2, 10)),
            claim(practice, "V3", "100.00", dos=date(2025, 3, 10)),
        ],
    )
    return uow


def pay(uow, amount: str, *, pid: str, claim: str | None = None, method="check", copay=False):  # type: ignore[no-untyped-def]
    return service.post_payment(
        uow,
        PatientPayment(
            id=pid,
            guarantor_id=G,
            amount=D(amount),
            method=PaymentMethod(method),
            received_on=date(2025, 4, 10),
            reference="1042" if method != "cash" else None,
            claim=claim,
            copay=copay,
        ),
    )


def due(uow) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    return {c.claim: c.account.due for c in service.account(uow, G).claims if not c.pending}


def test_a_payment_goes_oldest_first_and_the_rest_is_held_as_credit(three_visits, practice) -> None:
    uow = three_visits
    post(
        uow,
        era(
            practice.payer.id,
            *[
                clp(
                    p,
                    "100.00",
                    "70.00",
                    svc("99214", "100.00", "70.00", cas("PR", "2", "30.00"), line=1),
                )
                for p in ("V1", "V2", "V3")
            ],
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    result = pay(uow, "100.00", pid="p1")
    assert [(a.claim, a.amount) for a in result.allocations] == [
        ("V1", D("30.00")),
        ("V2", D("30.00")),
        ("V3", D("30.00")),
    ]
    assert result.credit == D("10.00")
    assert due(uow) == {"V1": 0, "V2": 0, "V3": 0}
    assert service.account(uow, G).credit == D("10.00")
    assert pay(uow, "100.00", pid="p1").already_posted  # the same receipt twice posts nothing
    assert ledger_service.trial_balance(uow).total == 0


def test_a_payment_for_a_chosen_claim_goes_there_first(three_visits, practice) -> None:
    uow = three_visits
    post(
        uow,
        era(
            practice.payer.id,
            *[
                clp(
                    p,
                    "100.00",
                    "60.00",
                    svc("99214", "100.00", "60.00", cas("PR", "1", "40.00"), line=1),
                )
                for p in ("V1", "V2", "V3")
            ],
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    result = pay(uow, "50.00", pid="p2", claim="V3", method="card")
    assert [(a.claim, a.amount) for a in result.allocations] == [
        ("V3", D("40.00")),
        ("V1", D("10.00")),
    ]
    assert due(uow) == {"V1": D("30.00"), "V2": D("40.00"), "V3": 0}
    with pytest.raises(ValueError, match="card number"):
        PatientPayment(
            id="x",
            guarantor_id=G,
            amount=D("5.00"),
            method=PaymentMethod.CARD,
            received_on=date(2025, 4, 1),
            reference="4111 1111 1111 1111",
        )


def test_a_copay_waits_for_its_visit_to_be_adjudicated_then_applies(three_visits, practice) -> None:
    uow = three_visits
    post(
        uow,
        era(
            practice.payer.id,
            clp(
                "V1",
                "100.00",
                "60.00",
                svc("99214", "100.00", "60.00", cas("PR", "1", "40.00"), line=1),
            ),
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    copay = service.collect_copay(
        uow,
        payment_id="cp1",
        guarantor_id=G,
        claim="V3",
        amount=D("25.00"),
        method="cash",
        received_on=date(2025, 3, 10),
    )
    assert copay.allocations == () and copay.credit == D("25.00")
    service.apply_credits(uow, as_of=date(2025, 4, 2))
    # V3 is still with the payer: the copay is not spent on V1
    assert due(uow) == {"V1": D("40.00")}
    assert service.account(uow, G).credit == D("25.00")

    post(
        uow,
        era(
            practice.payer.id,
            clp(
                "V3",
                "100.00",
                "80.00",
                svc("99214", "100.00", "80.00", cas("PR", "3", "20.00"), line=1),
            ),
            trace="EFT-2",
            on=date(2025, 4, 20),
        ),
        number=2,
    )
    service.apply_credits(uow, as_of=date(2025, 4, 21))
    # 20.00 copay share on V3 is paid by the copay; the 5.00 left over goes to V1
    assert due(uow) == {"V1": D("35.00"), "V3": 0}
    assert service.account(uow, G).credit == 0
    with uow:
        entries = ledger_service.ledger_of(uow).entries(claim="V3")
    assert claim_balance(entries, "V3").patient_paid == D("20.00")


def test_a_credit_balance_is_proposed_for_refund_and_posted_only_when_approved(
    three_visits, practice
) -> None:
    uow = three_visits
    post(
        uow,
        era(
            practice.payer.id,
            *[
                clp(
                    p,
                    "100.00",
                    "70.00",
                    svc("99214", "100.00", "70.00", cas("PR", "2", "30.00"), line=1),
                )
                for p in ("V1", "V2", "V3")
            ],
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    pay(uow, "100.00", pid="p1")  # 10.00 more than owed, nothing pending
    proposals = service.propose_refunds(uow, as_of=date(2025, 4, 30))
    assert [(p.guarantor_id, p.amount, p.claim) for p in proposals] == [(G, D("10.00"), None)]
    assert service.propose_refunds(uow, as_of=date(2025, 5, 1)) == []  # already proposed
    before = ledger_service.trial_balance(uow)
    assert service.account(uow, G).credit == D("10.00")  # nothing posted yet
    approved = service.approve_refund(uow, proposals[0].id, on=date(2025, 5, 2), by="manager")
    assert approved.status.value == "approved"
    assert service.account(uow, G).credit == 0
    after = {str(a): v for a, v in ledger_service.trial_balance(uow).accounts}
    assert after[f"refunds_payable:guarantor.{G}"] == D("-10.00")
    assert before.total == 0
    paid = service.mark_refund_paid(uow, approved.id, on=date(2025, 5, 5))
    assert paid.status.value == "paid"
    after = {str(a): v for a, v in ledger_service.trial_balance(uow).accounts}
    assert after[f"refunds_payable:guarantor.{G}"] == 0 and after["deposits"] == D("300.00")


def test_small_balances_at_or_below_the_threshold_are_written_off(three_visits, practice) -> None:
    uow = three_visits
    service.set_policy(uow, PatientAccountPolicy(small_balance_threshold=D("5.00")))
    post(
        uow,
        era(
            practice.payer.id,
            clp(
                "V1",
                "100.00",
                "96.00",
                svc("99214", "100.00", "96.00", cas("PR", "2", "4.00"), line=1),
            ),
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    first = service.run_statement_cycle(uow, as_of=date(2025, 4, 15))
    assert [r.statement.amount_due for r in first] == [D("4.00")]  # V2, V3 still pending
    assert due(uow) == {"V1": D("4.00")}  # more may come from V2 and V3: not written off yet
    post(
        uow,
        era(
            practice.payer.id,
            *[
                clp(p, "100.00", "100.00", svc("99214", "100.00", "100.00", line=1))
                for p in ("V2", "V3")
            ],
            trace="EFT-2",
            on=date(2025, 4, 20),
        ),
        number=2,
    )
    assert service.run_statement_cycle(uow, as_of=date(2025, 5, 15)) == []
    assert due(uow) == {"V1": 0, "V2": 0, "V3": 0}
    with uow:
        entries = ledger_service.ledger_of(uow).entries(claim="V1")
    assert claim_balance(entries, "V1").adjustments == D("4.00")
