"""Collections through storage: the pipeline, the agency, bad debt and recovery, and every
FDCPA / Regulation F safeguard refusing at the service level (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from patients_factories import cas, claim, clp, era, post, store_family, svc

from openrcm.patients.collections import ActionKind, Channel
from openrcm.patients.policy import PatientAccountPolicy
from openrcm.service import ledger as ledger_service
from openrcm.service import patients as service

D = Decimal
G = "gua-okafor"  # the practice's patient lives in America/Chicago
NOON_CHICAGO = datetime(2025, 9, 2, 17, 0, tzinfo=UTC)  # 12:00 CDT


@pytest.fixture
def delinquent(uow, practice):  # type: ignore[no-untyped-def]
    """120.00 patient share adjudicated 2025-04-01 and four cycle statements since."""
    store_family(uow, practice, [claim(practice, "V1", "300.00", dos=date(2025, 3, 10))])
    post(
        uow,
        era(
            practice.payer.id,
            clp(
                "V1",
                "300.00",
                "150.00",
                svc(
                    "99214",
                    "300.00",
                    "150.00",
                    cas("CO", "45", "30.00"),
                    cas("PR", "1", "120.00"),
                    line=1,
                ),
            ),
            trace="EFT-1",
            on=date(2025, 4, 1),
        ),
    )
    for day in (date(2025, 4, 15), date(2025, 5, 15), date(2025, 6, 14), date(2025, 7, 14)):
        service.run_statement_cycle(uow, as_of=day)
    return uow


def codes(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.code for f in result.reasons}


def test_the_pipeline_sends_the_notice_then_places_with_the_agency(delinquent, tmp_path) -> None:
    uow = delinquent
    first = service.run_collections(uow, as_of=date(2025, 7, 20), out_dir=tmp_path)
    kinds = [(o.action, o.allowed) for o in first.outcomes]
    assert kinds == [(ActionKind.VALIDATION_NOTICE, True), (ActionKind.PRE_COLLECTION_LETTER, True)]
    letter = first.outcomes[1].file
    assert (
        letter is not None and "$120.00" in letter.read_text() and "dispute" in letter.read_text()
    )
    assert first.aging["91-120"] == D("120.00")

    # inside the dispute period nothing more happens
    assert service.run_collections(uow, as_of=date(2025, 8, 10), out_dir=tmp_path).outcomes == ()

    placed = service.run_collections(uow, as_of=date(2025, 8, 25), out_dir=tmp_path)
    assert [(o.action, o.allowed) for o in placed.outcomes] == [
        (ActionKind.AGENCY_ASSIGNMENT, True)
    ]
    assert placed.agency_file is not None
    rows = placed.agency_file.read_text().splitlines()
    assert (
        rows[0].startswith("agency_id,placement_date") and ",V1," in rows[1] and "120.00" in rows[1]
    )
    assert placed.bad_debt == D("120.00")
    assert service.account(uow, G).due == 0  # written off to bad debt on placement
    assert service.run_statement_cycle(uow, as_of=date(2025, 9, 1)) == []  # the agency bills now

    posted, left = service.post_recovery(
        uow,
        G,
        recovery_id="AG-77",
        amount=D("100.00"),
        fee=D("25.00"),
        on=date(2025, 10, 1),
        reference="AG-77",
    )
    assert (posted, left) == (1, 0)
    with uow:
        entries = ledger_service.ledger_of(uow).entries(claim="V1")
    from openrcm.ledger import claim_balance

    recovered = claim_balance(entries, "V1")
    assert recovered.patient_paid == D("75.00") and recovered.patient_balance == 0
    assert ledger_service.trial_balance(uow).total == 0
    log = service.collection_log(uow, G)
    assert [e.entry.action.kind for e in log] == [
        ActionKind.VALIDATION_NOTICE,
        ActionKind.PRE_COLLECTION_LETTER,
        ActionKind.AGENCY_ASSIGNMENT,
    ]


def test_no_contact_before_the_validation_notice(delinquent) -> None:
    result = service.record_contact(delinquent, G, channel=Channel.CALL, at=NOON_CHICAGO)
    assert not result.allowed and codes(result) == {"FDCPA-VALIDATION-NOTICE"}
    assert [e.entry.allowed for e in service.collection_log(delinquent, G)] == [False]


def noticed(uow):  # type: ignore[no-untyped-def]
    service.run_collections(uow, as_of=date(2025, 7, 20))
    return uow


def test_no_calls_outside_8am_to_9pm_in_the_guarantors_time_zone(delinquent) -> None:
    uow = noticed(delinquent)
    early = datetime(2025, 9, 2, 12, 30, tzinfo=UTC)  # 07:30 in Chicago, 08:30 in New York
    assert codes(service.record_contact(uow, G, channel="call", at=early)) == {
        "FDCPA-CONTACT-HOURS"
    }
    late = datetime(2025, 9, 3, 2, 15, tzinfo=UTC)  # 21:15 in Chicago
    assert codes(service.record_contact(uow, G, channel="text", at=late)) == {"FDCPA-CONTACT-HOURS"}
    assert service.record_contact(uow, G, channel="call", at=NOON_CHICAGO).allowed


def test_a_cease_request_stops_every_action_but_the_confirmation(delinquent, tmp_path) -> None:
    uow = noticed(delinquent)
    confirmation = service.record_cease(uow, G, on=date(2025, 7, 25))
    assert confirmation.allowed
    assert codes(service.record_contact(uow, G, channel="call", at=NOON_CHICAGO)) == {"FDCPA-CEASE"}
    run = service.run_collections(uow, as_of=date(2025, 9, 1), out_dir=tmp_path)
    assert [(o.action, o.allowed, o.reasons) for o in run.outcomes] == [
        (ActionKind.AGENCY_ASSIGNMENT, False, ("FDCPA-CEASE",))
    ]
    assert run.agency_file is None and service.account(uow, G).due == D("120.00")


def test_a_disputed_debt_is_not_collected_until_verification_is_sent(delinquent, tmp_path) -> None:
    uow = noticed(delinquent)
    service.record_dispute(uow, G)
    assert codes(service.record_contact(uow, G, channel="call", at=NOON_CHICAGO)) == {
        "FDCPA-DISPUTED"
    }
    run = service.run_collections(uow, as_of=date(2025, 9, 1), out_dir=tmp_path)
    assert [(o.allowed, o.reasons) for o in run.outcomes] == [(False, ("FDCPA-DISPUTED",))]
    assert service.record_verification(uow, G, on=date(2025, 9, 2)).allowed
    assert service.record_contact(
        uow, G, channel="call", at=NOON_CHICAGO + timedelta(days=1)
    ).allowed


def test_at_most_seven_calls_in_seven_days(delinquent) -> None:
    uow = noticed(delinquent)
    for n in range(7):
        assert service.record_contact(
            uow, G, channel="call", at=NOON_CHICAGO + timedelta(days=n % 6, minutes=n)
        ).allowed
    eighth = service.record_contact(
        uow, G, channel="call", at=NOON_CHICAGO + timedelta(days=6, hours=1)
    )
    assert codes(eighth) == {"REGF-CALL-FREQUENCY"}


def test_no_call_within_seven_days_of_a_conversation(delinquent) -> None:
    uow = noticed(delinquent)
    assert service.record_contact(uow, G, channel="call", at=NOON_CHICAGO, connected=True).allowed
    again = service.record_contact(uow, G, channel="call", at=NOON_CHICAGO + timedelta(days=2))
    assert codes(again) == {"REGF-CALL-AFTER-CONVERSATION"}


def test_the_debt_is_never_discussed_with_a_third_party(delinquent) -> None:
    uow = noticed(delinquent)
    result = service.record_contact(
        uow, G, channel="call", at=NOON_CHICAGO, recipient_id="employer"
    )
    assert not result.allowed and codes(result) == {"FDCPA-THIRD-PARTY"}


def test_every_action_is_logged_and_the_log_only_grows(delinquent) -> None:
    uow = noticed(delinquent)
    service.record_contact(uow, G, channel="call", at=NOON_CHICAGO, recipient_id="neighbour")
    service.record_contact(uow, G, channel="call", at=NOON_CHICAGO)
    log = service.collection_log(uow, G)
    assert [(e.entry.action.kind.value, e.entry.allowed) for e in log] == [
        ("validation_notice", True),
        ("pre_collection_letter", True),
        ("collection_contact", False),
        ("collection_contact", True),
    ]
    # a later run adds to the log; what was logged stays as it was
    service.run_collections(uow, as_of=date(2025, 8, 1))
    assert [e.entry for e in service.collection_log(uow, G)][: len(log)] == [e.entry for e in log]


def test_a_plan_in_good_standing_keeps_the_account_out_of_collections(delinquent) -> None:
    uow = delinquent
    service.set_policy(uow, PatientAccountPolicy(plan_max_missed=1))
    plan = service.create_payment_plan(
        uow, G, instalments=4, first_due=date(2025, 7, 25), as_of=date(2025, 7, 18)
    )
    assert [i.amount for i in plan.instalments] == [D("30.00")] * 4
    assert service.run_collections(uow, as_of=date(2025, 7, 20)).outcomes == ()
    # two missed instalments (more than the one allowed) default the plan; collection resumes
    run = service.run_collections(uow, as_of=date(2025, 9, 5))
    assert [o.action for o in run.outcomes] == [
        ActionKind.VALIDATION_NOTICE,
        ActionKind.PRE_COLLECTION_LETTER,
    ]
    assert service.plans(uow, guarantor_id=G)[0].status.value == "defaulted"


def test_bad_debt_without_an_agency(delinquent) -> None:
    assert service.write_off_bad_debt(delinquent, G, on=date(2025, 8, 1)) == D("120.00")
    assert service.account(delinquent, G).due == 0
    assert ledger_service.trial_balance(delinquent).total == 0
