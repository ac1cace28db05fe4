from datetime import date
from decimal import Decimal

from openrcm.patients.statements import ClaimAccount, build_statement

D = Decimal


def account(
    pcn: str,
    *,
    pending: bool,
    pr: str,
    paid: str = "0",
    ins: str = "0",
    adj: str = "0",
    charge: str = "200.00",
    since: date = date(2025, 3, 1),
) -> ClaimAccount:
    return ClaimAccount(
        pcn,
        "Rivera, Ana",
        since,
        "Office visit",
        D(charge),
        D(ins),
        D(adj),
        D(paid),
        D(pr),
        pending,
        None if pending else since,
    )


def test_an_unadjudicated_claim_is_never_due() -> None:
    only_pending = [account("C1", pending=True, pr="40.00")]
    assert build_statement("G1", only_pending, date(2025, 4, 1)) is None


def test_deductible_coinsurance_and_copay_become_due_and_pending_is_shown_apart() -> None:
    accounts = [
        account("C1", pending=False, pr="65.00", ins="95.00", adj="40.00"),  # PR-1 + PR-2 + PR-3
        account("C2", pending=True, pr="0", charge="150.00"),
    ]
    statement = build_statement("G1", accounts, date(2025, 4, 1))
    assert statement is not None
    assert statement.amount_due == D("65.00")
    assert statement.insurance_pending == D("150.00")
    assert statement.aging["31-60"] == D("65.00")
    assert statement.dunning_level == 2


def test_dunning_climbs_with_age_but_a_plan_in_good_standing_stays_at_level_one() -> None:
    old = [account("C1", pending=False, pr="80.00", since=date(2024, 11, 1))]
    assert build_statement("G1", old, date(2025, 3, 1)).dunning_level == 4  # type: ignore[union-attr]
    on_plan = build_statement("G1", old, date(2025, 3, 1), plan_note="Plan: 2 of 6 paid")
    assert on_plan is not None and on_plan.dunning_level == 1


def test_paid_in_full_accounts_produce_no_statement() -> None:
    assert (
        build_statement(
            "G1", [account("C1", pending=False, pr="30.00", paid="30.00")], date(2025, 4, 1)
        )
        is None
    )
