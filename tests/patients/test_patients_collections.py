"""Each FDCPA / Regulation F safeguard refuses the action it exists to stop."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from openrcm.patients.collections import (
    Action,
    ActionKind,
    Channel,
    Debt,
    check_action,
    make_validation_notice,
    notice_problems,
)

BASE = Debt(
    id="D1",
    guarantor_id="G1",
    creditor="Elm Street Family Medicine",
    amount=Decimal("412.50"),
    itemization_date=date(2025, 1, 10),
    amount_on_itemization_date=Decimal("412.50"),
    time_zone="America/Chicago",
)
NOTICED = replace(BASE, validation_notice=make_validation_notice(BASE, date(2025, 2, 1)))
NOON_CHICAGO = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)  # 12:00 CST (before DST starts)


def call(at: datetime = NOON_CHICAGO, recipient: str = "G1", connected: bool = False) -> Action:
    return Action("D1", ActionKind.COLLECTION_CONTACT, Channel.CALL, recipient, at, connected)


def codes(entry) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.code for f in entry.reasons}


def test_a_proper_call_is_allowed() -> None:
    entry = check_action(NOTICED, call(), [])
    assert entry.allowed and entry.reasons == ()


def test_no_collection_before_the_validation_notice() -> None:
    assert codes(check_action(BASE, call(), [])) == {"FDCPA-VALIDATION-NOTICE"}
    notice = Action("D1", ActionKind.VALIDATION_NOTICE, Channel.LETTER, "G1", NOON_CHICAGO)
    assert check_action(BASE, notice, []).allowed


def test_the_notice_carries_amount_creditor_itemization_and_dispute_right() -> None:
    notice = NOTICED.validation_notice
    assert notice is not None and notice_problems(notice) == []
    text = notice.text()
    assert "412.50" in text and "Elm Street Family Medicine" in text
    assert "2025-01-10" in text and "dispute" in text
    assert (notice.dispute_deadline - notice.sent_on).days >= 30
    short = replace(notice, dispute_deadline=notice.sent_on + timedelta(days=10))
    assert codes(check_action(replace(NOTICED, validation_notice=short), call(), [])) == {
        "FDCPA-VALIDATION-NOTICE"
    }


def test_no_calls_before_8am_or_after_9pm_in_the_debtors_time_zone() -> None:
    early = datetime(2025, 3, 3, 13, 30, tzinfo=UTC)  # 07:30 in Chicago, 09:30 in New York
    late = datetime(2025, 3, 4, 3, 5, tzinfo=UTC)  # 21:05 in Chicago
    assert codes(check_action(NOTICED, call(early), [])) == {"FDCPA-CONTACT-HOURS"}
    assert codes(check_action(NOTICED, call(late), [])) == {"FDCPA-CONTACT-HOURS"}
    eastern = replace(NOTICED, time_zone="America/New_York")
    assert check_action(eastern, call(early), []).allowed


def test_cease_communication_and_dispute_stop_activity() -> None:
    assert codes(check_action(replace(NOTICED, cease_communication=True), call(), [])) == {
        "FDCPA-CEASE"
    }
    disputed = replace(NOTICED, disputed=True)
    assert codes(check_action(disputed, call(), [])) == {"FDCPA-DISPUTED"}
    assert check_action(replace(disputed, verification_sent=True), call(), []).allowed


def test_at_most_seven_call_attempts_in_seven_days() -> None:
    log = []
    for day in range(7):
        entry = check_action(NOTICED, call(NOON_CHICAGO + timedelta(days=day, minutes=day)), log)
        assert entry.allowed
        log.append(entry)
    eighth = check_action(NOTICED, call(NOON_CHICAGO + timedelta(days=6, hours=2)), log)
    assert codes(eighth) == {"REGF-CALL-FREQUENCY"}
    assert check_action(NOTICED, call(NOON_CHICAGO + timedelta(days=7, hours=1)), log).allowed


def test_no_call_within_seven_days_of_a_conversation() -> None:
    talked = check_action(NOTICED, call(connected=True), [])
    later = check_action(NOTICED, call(NOON_CHICAGO + timedelta(days=3)), [talked])
    assert codes(later) == {"REGF-CALL-AFTER-CONVERSATION"}


def test_the_debt_is_never_disclosed_to_a_third_party() -> None:
    assert codes(check_action(NOTICED, call(recipient="NEIGHBOUR"), [])) == {"FDCPA-THIRD-PARTY"}


def test_refused_actions_are_logged_with_their_reasons() -> None:
    entry = check_action(BASE, call(recipient="EMPLOYER"), [])
    assert not entry.allowed
    assert codes(entry) == {"FDCPA-VALIDATION-NOTICE", "FDCPA-THIRD-PARTY"}
