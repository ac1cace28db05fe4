"""Eligibility: the 270 we write from a coverage, the demo payer's 271, the benefits summary,
and the batch for tomorrow's appointments stored with its check date (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from openrcm.domain.party import Person, PersonName, Relationship, Sex
from openrcm.payer.accumulators import Accumulators
from openrcm.payer.configuration import Enrollment, default_plans_dir, load_payer_book
from openrcm.service import eligibility
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t270 import read_270, write_270
from openrcm.x12.t271 import read_271
from openrcm.x12.validate import validate

D = Decimal
DOS = date(2025, 3, 4)
TODAY = date(2025, 3, 3)
BOOK = load_payer_book(default_plans_dir())
HEADER = InterchangeHeader(
    sender_id="1456789019",
    receiver_id="87726",
    interchange_control_number=7,
    group_control_number=7,
    created_at=datetime(2025, 3, 3, 8, 0, tzinfo=UTC),
)


def request_for(practice: Any, coverage: Any = None, *, trace: str = "TRC0001") -> Any:
    return eligibility.build_270(
        practice.patient,
        coverage or practice.coverage,
        practice.payer,
        practice.billing_provider,
        service_date=DOS,
        trace_number=trace,
        created=TODAY,
    )


def errors(findings: Any) -> list[Any]:
    return [f for f in findings if f.severity.value == "error"]


def test_the_270_we_write_follows_the_guide_and_reads_back_the_same(practice: Any) -> None:
    request = request_for(practice)
    assert request.subscriber.entity.identifier == "W281734409"
    assert request.information_source.identifier == "87726"
    assert request.information_receiver.identifier == practice.billing_provider.npi
    assert request.dependent is None and request.service_type_codes == ("30",)
    text = write_270([request], HEADER)
    assert "EQ*30~" in text and "DTP*291*D8*20250304~" in text
    assert "NM1*IL*1*OKAFOR*GRACE*A***MI*W281734409~" in text.upper()
    assert errors(validate(text)) == []
    (back,), findings = read_270(text)
    assert errors(findings) == []
    assert back == request


def test_a_spouse_on_the_subscribers_coverage_is_asked_about_as_a_dependent(practice: Any) -> None:
    spouse_plan = practice.coverage.model_copy(
        update={
            "subscriber": Person(
                name=PersonName(last="Okafor", first="Daniel"),
                birth_date=date(1959, 1, 30),
                sex=Sex.MALE,
            ),
            "relationship": Relationship.SPOUSE,
        }
    )
    request = request_for(practice, spouse_plan)
    assert request.dependent is not None and request.dependent.relationship == "01"
    assert request.patient.entity.first_name == "Grace"
    text = write_270([request], HEADER)
    assert "HL*4*3*23*0~" in text
    assert errors(validate(text)) == []
    assert read_270(text)[0] == [request]


def test_the_demo_payer_answers_from_its_plan_and_accumulators(practice: Any) -> None:
    request = request_for(practice)
    answer = eligibility.demo_271(request, BOOK, answered=TODAY)
    summary = eligibility.summarise(
        answer, patient_id="pat-000417", payer_id="87726", service_date=DOS, checked_on=TODAY
    )
    # the demo PPO: $500 deductible, $3,000 out-of-pocket, 20% coinsurance, $25 office copay
    assert summary.status == "active" and summary.plan_name == "Demo PPO Gold"
    assert (summary.deductible, summary.deductible_remaining, summary.deductible_met) == (
        D("500.00"),
        D("500.00"),
        D("0.00"),
    )
    assert summary.out_of_pocket == D("3000.00") and summary.copay == D("25.00")
    assert summary.coinsurance == D("0.20")
    assert summary.trace_number == "TRC0001"

    used = Accumulators()
    identity = f"W281734409|OKAFOR|GRACE|{practice.patient.birth_date}"
    keys = used.keys(identity, "W281734409", "DEMO-PPO", date(2025, 1, 1), True)
    used.add("CLAIM-1", keys, deductible=D("180.00"), out_of_pocket=D("230.00"))
    later = eligibility.summarise(
        eligibility.demo_271(request, BOOK, accumulators=used, answered=TODAY),
        patient_id="pat-000417",
        payer_id="87726",
        service_date=DOS,
        checked_on=TODAY,
    )
    assert (later.deductible_remaining, later.deductible_met) == (D("320.00"), D("180.00"))
    assert later.out_of_pocket_remaining == D("2770.00")


def test_the_271_from_the_demo_payer_round_trips(practice: Any) -> None:
    requests = [request_for(practice, trace="TRC0001")]
    text_270 = write_270(requests, HEADER)
    text_271 = eligibility.answer_270(text_270, BOOK, answered=TODAY)
    assert errors(validate(text_271)) == []
    responses, findings = read_271(text_271)
    assert errors(findings) == []
    assert responses == [eligibility.demo_271(requests[0], BOOK, answered=TODAY)]
    assert "EB*1*IND*30*PR*Demo PPO Gold~" in text_271
    assert "TRN*2*TRC0001" in text_271


def test_a_member_the_roster_lacks_is_rejected_with_aaa_75(practice: Any) -> None:
    roster = BOOK.model_copy(
        update={
            "payers": tuple(
                p.model_copy(update={"enrollment": Enrollment.ROSTER}) if p.id == "*" else p
                for p in BOOK.payers
            )
        }
    )
    answer = eligibility.demo_271(request_for(practice), roster, answered=TODAY)
    summary = eligibility.summarise(
        answer, patient_id="pat-000417", payer_id="87726", service_date=DOS, checked_on=TODAY
    )
    assert summary.status == "rejected"
    assert summary.rejection_reasons == ("75: subscriber/insured not found",)


@pytest.mark.parametrize("roster_ends", [date(2025, 2, 28)])
def test_a_member_whose_coverage_ended_is_inactive(practice: Any, roster_ends: date) -> None:
    from openrcm.payer.configuration import Member

    member = Member(
        member_id="W281734409",
        plan_id="DEMO-PPO",
        effective_date=date(2024, 1, 1),
        termination_date=roster_ends,
    )
    book = BOOK.model_copy(update={"members": (member,)})
    summary = eligibility.summarise(
        eligibility.demo_271(request_for(practice), book, answered=TODAY),
        patient_id="pat-000417",
        payer_id="87726",
        service_date=DOS,
        checked_on=TODAY,
    )
    assert summary.status == "inactive" and not summary.active


def test_tomorrows_appointments_are_checked_and_stored_with_the_day(
    uow: Any, practice: Any
) -> None:
    with uow:
        practice.store(uow)  # the encounter is on 2025-03-04
        uow.commit()
    run = eligibility.check_appointments(uow, book=BOOK, today=TODAY)
    assert run.skipped == ()
    (summary,) = run.summaries
    assert summary.patient_id == "pat-000417" and summary.service_date == DOS
    assert summary.checked_on == TODAY and summary.status == "active"
    assert summary.coverage_id == "cov-000417-p"
    stored = eligibility.latest_checks(uow, "pat-000417")
    assert stored == [summary]
    # nobody is booked the day after
    assert eligibility.check_appointments(uow, book=BOOK, today=DOS).summaries == ()
    # after the primary coverage ends, the coverage still in force is asked about
    after = eligibility.check_patients(
        uow, ["pat-000417"], service_date=date(2026, 6, 1), book=BOOK, today=TODAY
    )
    assert [(s.payer_id, s.coverage_id) for s in after.summaries] == [("00621", "cov-000417-s")]
    # a patient without coverage on the date is skipped, not guessed
    before = eligibility.check_patients(
        uow, ["pat-000417"], service_date=date(2023, 1, 1), book=BOOK, today=TODAY
    )
    assert before.summaries == () and before.skipped == ("pat-000417",)
