"""Adjudication: each denial reason, pricing, coordination of benefits, status codes.

The payer (`payer_builders.book`) pays 125% of the Medicare PFS in the billing provider's
locality (Los Angeles, ZIP 90012), with fixed fees for 20610 ($300) and 97110 ($40).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from payer_builders import (
    DAY,
    IN_NETWORK_NPI,
    OUT_OF_NETWORK_NPI,
    RECEIVED,
    adjustments,
    book,
    carcs,
    claim,
    engine,
    line,
    person,
)

from openrcm.domain import ClaimPaymentStatus
from openrcm.payer import RULES, Adjudication, Adjudicator, PayerState

D = Decimal


def decide(
    *lines: dict[str, Any],
    using: Adjudicator | None = None,
    received: date = RECEIVED,
    **kwargs: Any,
) -> Adjudication:
    """Adjudicate one claim built from `lines` with a fresh engine (or `using`)."""
    return (using or engine()).adjudicate(claim(*lines, **kwargs), received_date=received)


def test_an_office_visit_is_priced_at_the_contract_and_the_copay_goes_to_the_patient() -> None:
    result = decide(line(1, "99213", "150.00"))
    payment = result.payment
    # 99213 in Los Angeles, office: $98.19 × 125% = $122.7375 → $122.74
    assert payment.status is ClaimPaymentStatus.PRIMARY
    assert result.outcome == "paid"
    assert payment.lines[0].allowed_amount == D("122.74")
    assert adjustments(payment) == {("CO", "45", D("27.26")), ("PR", "3", D("25.00"))}
    assert payment.paid_amount == D("97.74")
    assert payment.patient_responsibility_amount == D("25.00")
    assert [step.stage for step in result.trace] == [
        "member",
        "rules",
        "pricing",
        "cost-share",
        "status",
    ]


def test_the_allowed_amount_is_the_lesser_of_charge_and_contract() -> None:
    payment = decide(line(1, "99213", "90.00")).payment
    assert payment.lines[0].allowed_amount == D("90.00")
    assert "45" not in carcs(payment)


@pytest.mark.parametrize(
    ("coverage", "carc"),
    [({"effective_date": date(2025, 7, 1)}, "26"), ({"termination_date": date(2025, 5, 31)}, "27")],
)
def test_a_service_outside_the_coverage_dates_is_denied(
    coverage: dict[str, date], carc: str
) -> None:
    result = decide(line(1, "99213", "150.00"), coverage=coverage)
    assert result.payment.status is ClaimPaymentStatus.DENIED
    assert adjustments(result.payment) == {("CO", carc, D("150.00"))}
    assert result.payment.paid_amount == D("0.00")


def test_a_claim_filed_after_the_limit_is_denied_for_timely_filing() -> None:
    result = decide(line(1, "99213", "150.00"), received=DAY.replace(month=DAY.month + 4))
    assert adjustments(result.payment) == {("CO", "29", D("150.00"))}


def test_the_same_service_twice_is_a_duplicate() -> None:
    payer = engine()
    decide(line(1, "99213", "150.00"), using=payer, pcn="D1")
    again = decide(line(1, "99213", "150.00"), using=payer, pcn="D2")
    assert again.payment.status is ClaimPaymentStatus.DENIED
    assert adjustments(again.payment) == {("OA", "18", D("150.00"))}


def test_an_excluded_service_is_the_patients_to_pay() -> None:
    payment = decide(line(1, "15781", "900.00")).payment
    assert adjustments(payment) == {("PR", "204", D("900.00"))}
    assert payment.patient_responsibility_amount == D("900.00")


def test_a_service_needing_prior_authorisation_without_one_is_denied() -> None:
    denied = decide(line(1, "70553", "1200.00")).payment
    assert adjustments(denied) == {("CO", "197", D("1200.00"))}
    paid = decide(line(1, "70553", "1200.00"), prior_authorization="AUTH778").payment
    assert paid.status is ClaimPaymentStatus.PRIMARY
    assert "197" not in carcs(paid)


def test_a_rostered_authorisation_must_cover_the_code_and_date() -> None:
    roster = book(
        payer={"enrollment": "roster"},
        members=[
            {
                "member_id": "W100",
                "plan_id": "PPO",
                "effective_date": date(2025, 1, 1),
                "authorizations": [
                    {
                        "number": "A1",
                        "codes": ["70553"],
                        "start_date": date(2025, 6, 1),
                        "end_date": date(2025, 6, 30),
                    }
                ],
            }
        ],
    )
    payer = engine(roster)
    assert "284" in carcs(
        decide(
            line(1, "70553", "1200.00", day=date(2025, 7, 2)), using=payer, prior_authorization="A1"
        ).payment
    )
    assert "197" in carcs(
        decide(line(1, "70553", "1200.00"), using=payer, prior_authorization="B9", pcn="x").payment
    )
    covered = decide(line(1, "70553", "1200.00"), using=payer, prior_authorization="A1", pcn="y")
    assert covered.payment.status is ClaimPaymentStatus.PRIMARY
    assert carcs(covered.payment) == {"45", "1"}  # contractual and deductible only


def test_an_unknown_member_on_a_roster_is_not_our_insured() -> None:
    payer = engine(book(payer={"enrollment": "roster"}, members=[]))
    payment = decide(line(1, "99213", "150.00"), using=payer).payment
    assert adjustments(payment) == {("CO", "31", D("150.00"))}


def test_an_hmo_needs_a_referral_for_specialist_care_but_not_for_primary_care() -> None:
    specialist = decide(line(1, "20610", "400.00"), plan="HMO").payment
    assert adjustments(specialist) == {("CO", "288", D("400.00"))}
    primary_care = decide(line(1, "99213", "150.00"), plan="HMO").payment
    assert primary_care.status is ClaimPaymentStatus.PRIMARY
    referred = decide(line(1, "20610", "400.00"), plan="HMO", referral_number="REF55").payment
    # $300 allowed, no deductible, 10% coinsurance
    assert adjustments(referred) == {("CO", "45", D("100.00")), ("PR", "2", D("30.00"))}


def test_an_hmo_member_seeing_an_out_of_network_provider_is_denied() -> None:
    payment = decide(line(1, "99213", "150.00"), plan="HMO", rendering=OUT_OF_NETWORK_NPI).payment
    assert adjustments(payment) == {("CO", "242", D("150.00"))}


def test_out_of_network_on_a_ppo_uses_the_out_of_network_tier() -> None:
    payment = decide(line(1, "20610", "400.00"), rendering=OUT_OF_NETWORK_NPI).payment
    # out of network: $1,000 deductible takes the whole $300 allowed
    assert ("PR", "1", D("300.00")) in adjustments(payment)
    in_network = decide(line(1, "20610", "400.00"), rendering=IN_NETWORK_NPI).payment
    assert ("PR", "1", D("300.00")) in adjustments(in_network)


def test_a_code_covered_only_for_some_diagnoses_is_denied_for_others() -> None:
    denied = decide(line(1, "83036", "40.00", diagnosis_pointers=[2])).payment  # I10
    assert adjustments(denied) == {("CO", "50", D("40.00"))}
    assert denied.lines[0].remark_codes == ("N115",)
    paid = decide(line(1, "83036", "40.00", diagnosis_pointers=[1]), pcn="x").payment  # E11.9
    assert "50" not in carcs(paid)


def test_a_bundled_pair_denies_the_column_two_code_unless_a_bypass_modifier_is_allowed() -> None:
    never = decide(line(1, "99214", "200.00"), line(2, "99211", "40.00")).payment
    assert ("CO", "97", D("40.00")) in adjustments(never)
    assert never.lines[0].paid_amount > 0
    bypassed = decide(
        line(1, "20610", "400.00"), line(2, "20604", "300.00", modifiers=["59"])
    ).payment
    assert "97" not in carcs(bypassed)
    bundled = decide(line(1, "20610", "400.00"), line(2, "20604", "300.00"), pcn="b").payment
    assert ("CO", "97", D("300.00")) in adjustments(bundled)


def test_a_visit_limit_stops_paying_after_the_last_visit() -> None:
    payer = engine()
    results = [
        decide(line(1, "97110", "80.00", day=DAY.replace(day=n)), using=payer, pcn=f"PT{n}").payment
        for n in (2, 4, 6)
    ]
    assert [("119" in carcs(p)) for p in results] == [False, False, True]
    assert adjustments(results[2]) == {("PR", "119", D("80.00"))}


def test_medicare_status_codes_and_modifier_rules_deny_lines() -> None:
    payment = decide(
        line(1, "99213", "150.00"),
        line(2, "36416", "10.00"),
        line(3, "99214", "200.00", modifiers=["26"]),
    ).payment
    assert ("CO", "97", D("10.00")) in adjustments(payment)  # status B: bundled
    assert ("CO", "4", D("200.00")) in adjustments(payment)  # 26 on a code without components
    assert payment.status is ClaimPaymentStatus.PRIMARY


def test_a_second_surgery_the_same_day_is_reduced_by_the_multiple_procedure_rule() -> None:
    # LA office: 11042 $142.38, 10060 $140.19 → 10060 at 50%: $70.10 × 125% = $87.625 → $87.63
    payment = decide(line(1, "11042", "300.00"), line(2, "10060", "300.00")).payment
    second = payment.lines[1]
    assert second.allowed_amount == D("87.63")
    reduction = {a.reason: a.amount for a in second.adjustments if a.group == "CO"}
    # the 50% cut is $140.19 − $70.10 = $70.09, × 125% = $87.6125 → $87.61
    assert reduction["59"] == D("87.61")
    assert reduction["59"] + reduction["45"] == D("212.37")


def test_an_unconfigured_payer_is_not_our_claim() -> None:
    payment = decide(line(1, "99213", "150.00"), pcn="Q", payer="99999").payment
    assert adjustments(payment) == {("CO", "109", D("150.00"))}


def test_a_claim_with_a_configured_secondary_is_forwarded() -> None:
    other = {
        "payer": {"id": "GAP1", "name": "MEDIGAP ONE"},
        "subscriber": person(),
        "member_id": "G77",
        "priority": "S",
    }
    result = decide(line(1, "99213", "150.00"), other_payers=[other])
    assert result.payment.status is ClaimPaymentStatus.PRIMARY_FORWARDED
    assert result.payment.crossover_payer_name == "MEDIGAP ONE"
    assert result.outcome == "forwarded"


def secondary_claim(paid: str, patient: list[tuple[str, str]], charge: str = "400.00"):  # type: ignore[no-untyped-def]
    other = {
        "payer": {"id": "PRIME", "name": "PRIMARY PAYER"},
        "subscriber": person(),
        "member_id": "P1",
        "priority": "P",
        "paid_amount": paid,
        "adjustments": [{"group": "PR", "reason": r, "amount": a} for r, a in patient],
        "adjudication_date": date(2025, 6, 20),
    }
    return claim(line(1, "20610", charge), coverage={"priority": "S"}, other_payers=[other])


def test_a_secondary_pays_its_allowed_less_the_primary_payment_up_to_the_patients_share() -> None:
    # our allowed $300; primary paid $200 and left $80 deductible + $20 coinsurance
    payment = (
        engine()
        .adjudicate(
            secondary_claim("200.00", [("1", "80.00"), ("2", "20.00")]), received_date=RECEIVED
        )
        .payment
    )
    assert payment.status is ClaimPaymentStatus.SECONDARY
    assert payment.paid_amount == D("100.00")  # min(300 − 200, 100)
    assert payment.patient_responsibility_amount == D("0.00")
    assert adjustments(payment) == {("OA", "23", D("300.00"))}


def test_a_secondary_never_pays_more_than_the_patient_responsibility_left() -> None:
    payment = (
        engine()
        .adjudicate(secondary_claim("100.00", [("2", "30.00")]), received_date=RECEIVED)
        .payment
    )
    assert payment.paid_amount == D("30.00")  # not 300 − 100 = 200
    limited = (
        engine()
        .adjudicate(secondary_claim("280.00", [("1", "100.00")]), received_date=RECEIVED)
        .payment
    )
    assert limited.paid_amount == D("20.00")  # 300 − 280
    assert ("PR", "1", D("80.00")) in adjustments(limited)


def test_a_secondary_claim_without_primary_payment_information_is_denied() -> None:
    bare = claim(line(1, "20610", "400.00"), coverage={"priority": "S"})
    payment = engine().adjudicate(bare, received_date=RECEIVED).payment
    assert adjustments(payment) == {("CO", "22", D("400.00"))}
    assert payment.lines[0].remark_codes == ("MA04",)


def test_every_line_balances_and_the_claim_totals_add_up() -> None:
    result = decide(
        line(1, "99214", "220.00"),
        line(2, "20610", "400.00"),
        line(3, "36416", "12.00"),
        line(4, "11042", "310.00"),
        line(5, "10060", "275.00"),
    )
    payment = result.payment
    for service in payment.lines:
        assert service.charge_amount == service.paid_amount + sum(
            a.amount for a in service.adjustments
        )
    assert payment.paid_amount == sum(s.paid_amount for s in payment.lines)
    assert payment.charge_amount == sum(s.charge_amount for s in payment.lines)
    assert payment.patient_responsibility_amount == sum(s.adjusted("PR") for s in payment.lines)


def test_adjudication_is_deterministic() -> None:
    claims = [
        claim(line(1, "20610", "400.00", day=DAY.replace(day=n)), pcn=f"S{n}") for n in range(1, 6)
    ]
    first = [engine(state=PayerState()).adjudicate(c, received_date=RECEIVED) for c in claims[:1]]
    runs = []
    for _ in range(2):
        payer = engine(state=PayerState())
        runs.append([payer.adjudicate(c, received_date=RECEIVED).payment for c in claims])
    assert runs[0] == runs[1]
    assert first[0].payment == runs[0][0]


def test_the_rules_run_in_a_documented_order() -> None:
    assert list(RULES) == [
        "ELIGIBILITY",
        "TIMELY-FILING",
        "DUPLICATE",
        "EXCLUDED",
        "NETWORK",
        "PRIOR-AUTH",
        "REFERRAL",
        "MEDICAL-NECESSITY",
        "BUNDLING",
        "VISIT-LIMIT",
    ]
    assert all(rule.description for rule in RULES.values())
