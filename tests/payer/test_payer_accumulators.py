"""Deductibles and out-of-pocket maximums accumulate claim by claim, per member and family.

The payer's contract allows $300.00 for 20610 (charge $400.00). The PPO's in-network
deductible is $500 individual / $1,000 family, coinsurance 20%, out-of-pocket maximum
$1,000 individual / $2,000 family.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from payer_builders import DAY, RECEIVED, claim, engine, line, person

from openrcm.domain import Claim, ClaimPaymentStatus

D = Decimal


def injection(pcn: str, day: int = 2, **extra: Any) -> Claim:
    """A knee injection (20610): charge $400.00, contract allows $300.00."""
    return claim(line(1, "20610", "400.00", day=DAY.replace(day=day)), pcn=pcn, **extra)


def test_the_deductible_is_met_across_claims_in_order() -> None:
    payer = engine()
    first = payer.adjudicate(injection("A1"), received_date=RECEIVED).payment
    second = payer.adjudicate(injection("A2", day=3), received_date=RECEIVED).payment
    third = payer.adjudicate(injection("A3", day=4), received_date=RECEIVED).payment
    # claim 1: all $300 to the deductible
    assert (first.paid_amount, first.patient_responsibility_amount) == (D("0.00"), D("300.00"))
    # claim 2: $200 finishes the deductible, 20% of the other $100 is coinsurance
    assert second.patient_responsibility_amount == D("220.00")
    assert second.paid_amount == D("80.00")
    assert {(a.reason, a.amount) for a in second.lines[0].adjustments if a.group == "PR"} == {
        ("1", D("200.00")),
        ("2", D("20.00")),
    }
    # claim 3: deductible met, 20% coinsurance only
    assert (third.paid_amount, third.patient_responsibility_amount) == (D("240.00"), D("60.00"))


def test_the_family_deductible_caps_what_each_member_still_owes() -> None:
    payer = engine()
    members = [
        person(first="Ana"),
        person(first="Ben", born=date(2001, 3, 4)),
        person(first="Cy", born=date(2005, 8, 9)),
    ]
    owed = []
    for n, who in enumerate(members):
        first = payer.adjudicate(injection(f"F{n}a", patient=who), received_date=RECEIVED)
        second = payer.adjudicate(injection(f"F{n}b", day=20, patient=who), received_date=RECEIVED)
        owed.append(
            sum(
                a.amount
                for p in (first.payment, second.payment)
                for s in p.lines
                for a in s.adjustments
                if a.group == "PR" and a.reason == "1"
            )
        )
    # Ana meets her $500; Ben then $500, reaching the $1,000 family deductible; Cy owes none
    assert owed == [D("500.00"), D("500.00"), D("0.00")]


def test_the_out_of_pocket_maximum_stops_patient_responsibility() -> None:
    payer = engine()
    responsibility = []
    for n in range(1, 12):
        payment = payer.adjudicate(injection(f"O{n}", day=n), received_date=RECEIVED).payment
        responsibility.append(payment.patient_responsibility_amount)
        assert payment.paid_amount + payment.patient_responsibility_amount == D("300.00")
    # $300 + $220 (deductible met at $500) then $60 a claim until the $1,000 maximum
    assert responsibility[:3] == [D("300.00"), D("220.00"), D("60.00")]
    assert sum(responsibility) == D("1000.00")
    assert responsibility[-1] == D("0.00")


def test_a_void_reverses_the_claim_and_restores_the_accumulators() -> None:
    payer = engine()
    original = payer.adjudicate(injection("V1"), received_date=RECEIVED).payment
    void = payer.adjudicate(
        injection(
            "V1", frequency_code="8", payer_claim_control_number=original.payer_claim_control_number
        ),
        received_date=RECEIVED,
    )
    assert void.outcome == "reversed"
    reversal = void.payment
    assert reversal.status is ClaimPaymentStatus.REVERSAL
    assert reversal.charge_amount == -original.charge_amount
    assert reversal.paid_amount == -original.paid_amount
    assert reversal.patient_responsibility_amount == D("-300.00")
    assert {(a.group, a.reason, a.amount) for a in reversal.lines[0].adjustments} == {
        ("PR", "1", D("-300.00")),
        ("CO", "45", D("-100.00")),
    }
    # the same service again: the deductible is owed again in full, and it is no duplicate
    again = payer.adjudicate(injection("V2"), received_date=RECEIVED).payment
    assert again.patient_responsibility_amount == D("300.00")
    assert again.status is ClaimPaymentStatus.PRIMARY


def test_a_replacement_reverses_the_original_and_decides_the_new_claim() -> None:
    payer = engine()
    original = payer.adjudicate(injection("R1"), received_date=RECEIVED).payment
    replacement = payer.adjudicate(
        claim(
            line(1, "20610", "350.00"),
            pcn="R1",
            frequency_code="7",
            payer_claim_control_number=original.payer_claim_control_number,
        ),
        received_date=RECEIVED,
    )
    reversal, decision = replacement.payments
    assert reversal.status is ClaimPaymentStatus.REVERSAL
    assert decision.status is ClaimPaymentStatus.PRIMARY
    assert decision.payer_claim_control_number != original.payer_claim_control_number
    # the deductible the original used is back, so the replacement owes it again
    assert decision.patient_responsibility_amount == D("300.00")
