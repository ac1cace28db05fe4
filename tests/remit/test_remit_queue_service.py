"""The remittance work queue and deposit reconciliation through storage, on SQLite and
PostgreSQL: secondary claims handed to billing, items resolved with a note, 835 payments
recorded, bank deposits imported once and matched once; entries read back exactly."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from remit_factories import cas, clp, era, svc

from openrcm.domain import Claim, ClaimStatus, OtherPayer
from openrcm.ledger import (
    DEPOSITS,
    JournalEntry,
    Leg,
    SourceKind,
    entry,
    insurance_ar,
    patient_ar,
    refunds_payable,
    unapplied_cash,
)
from openrcm.service import ledger as ledger_service
from openrcm.service import remit as remit_service
from openrcm.store.errors import Duplicate

t835 = pytest.importorskip("openrcm.x12.t835", reason="the 835 reader/writer is not there yet")
from openrcm.x12.envelope import InterchangeHeader  # noqa: E402

HEADER = InterchangeHeader(
    sender_id="PAYER1",
    receiver_id="CLINIC1",
    interchange_control_number=1,
    group_control_number=1,
    created_at=datetime(2025, 4, 1, 9, 30, tzinfo=UTC),
)
D = Decimal


@pytest.fixture
def stored(uow, practice) -> dict[str, Claim]:
    """Two submitted claims; Q2 has a secondary payer still to bill."""
    secondary = OtherPayer(
        payer=practice.secondary_payer,
        subscriber=practice.secondary_coverage.subscriber,
        member_id=practice.secondary_coverage.member_id,
        priority="S",
    )
    claims = {
        "Q1": practice.claim("Q1", status=ClaimStatus.SUBMITTED, charges=("150.00",)).model_copy(
            update={"other_payers": ()}
        ),
        "Q2": practice.claim("Q2", status=ClaimStatus.SUBMITTED, charges=("200.00",)).model_copy(
            update={"other_payers": (secondary,)}
        ),
    }
    with uow:
        practice.store(uow)
        uow.claims.add_many(list(claims.values()))
        uow.commit()
    return claims


def primary_835(payer_id: str) -> str:
    remittance = era(
        clp(
            "Q1",
            "1",
            "150.00",
            "100.00",
            svc("99214", "150.00", "100.00", cas("CO", "45", "50.00")),
        ),
        clp(
            "Q2",
            "1",
            "200.00",
            "120.00",
            svc("99214", "200.00", "120.00", cas("CO", "45", "50.00"), cas("PR", "1", "30.00")),
            icn="ICN-Q2",
        ),
        clp("NOBODY-1", "1", "40.00", "40.00", svc("99213", "40.00", "40.00")),
        trace="EFT-7001",
        payer=payer_id,
    )
    return t835.write_835([remittance], HEADER)


def test_a_secondary_claim_is_pending_until_it_is_billed(uow, practice, stored) -> None:
    remit_service.post_835(uow, primary_835(practice.payer.id))
    (pending,) = remit_service.pending_secondary_claims(uow)
    assert isinstance(pending, Claim)
    assert pending.patient_control_number == "Q2"
    assert pending.payer.id == practice.secondary_payer.id
    (primary,) = pending.other_payers
    assert (primary.payer.id, primary.paid_amount) == (practice.payer.id, D("120.00"))
    assert remit_service.mark_secondaries_billed(uow, [pending.id]) == 1
    assert remit_service.pending_secondary_claims(uow) == []
    assert remit_service.mark_secondaries_billed(uow, [pending.id]) == 0
    assert remit_service.exceptions(uow, kind="secondary_claim") == []


def test_work_items_are_resolved_with_a_note_and_stay_on_file(uow, practice, stored) -> None:
    remit_service.post_835(uow, primary_835(practice.payer.id))
    (exception,) = remit_service.exceptions(uow)
    assert exception["claim"] == "NOBODY-1"
    done = remit_service.resolve_work_items(uow, [exception["id"], "no-such-item"], "refunded")
    assert done == 1
    assert remit_service.exceptions(uow) == []
    with uow:
        (kept,) = uow.ledger.work_items(kind="exception", open_only=False)
    assert kept["resolved"] is True and kept["claim"] == "NOBODY-1"
    assert remit_service.resolve_work_items(uow, [exception["id"]], "again") == 0


def test_claim_statuses_move_with_the_payment_in_bulk(uow, practice, stored) -> None:
    remit_service.post_835(uow, primary_835(practice.payer.id))
    with uow:
        found = uow.claims.by_control_numbers(["Q1", "Q2"])
        history = uow.claims.history(stored["Q1"].id)
    assert {n: c.status for n, c in found.items()} == {
        "Q1": ClaimStatus.PAID,
        "Q2": ClaimStatus.PAID,
    }
    assert [(h.from_status, h.to_status) for h in history][-1] == (
        ClaimStatus.SUBMITTED,
        ClaimStatus.PAID,
    )
    assert history[-1].reason == f"835 {practice.payer.id}/EFT-7001"


def test_deposits_are_imported_once_and_matched_to_the_835_payment(uow, practice, stored) -> None:
    remit_service.post_835(uow, primary_835(practice.payer.id))
    export = (
        "Date,Description,Amount\n"
        "2025-04-02,HCCLAIMPMT TRN*1*EFT-7001*1470000001\\,260.00\n"
        "2025-04-02,MOBILE DEPOSIT,35.00\n"
    )
    first = remit_service.import_deposits(uow, export, name="april.csv")
    assert (first.deposits_read, first.deposits_imported, first.already_imported) == (2, 2, 0)
    assert first.as_json()["amount_imported"] == "295.00" and not first.has_errors
    again = remit_service.import_deposits(uow, export + "2025-04-03,LATE ROW,5.00\n")
    assert (again.deposits_imported, again.already_imported) == (1, 2)

    result = remit_service.match_deposits(uow)
    data = result.as_json()
    (matched,) = data["matched"]
    assert matched["payment"]["trace_number"] == "EFT-7001"
    assert matched["payment"]["amount"] == "260.00" and matched["difference"] == "0.00"
    assert matched["match"] == "trace"
    assert sorted(d["amount"] for d in data["unmatched_deposits"]) == ["35.00", "5.00"]
    assert data["unmatched_payments"] == []
    assert len(result.new_matches) == 1

    rerun = remit_service.match_deposits(uow)
    assert rerun.new_matches == () and rerun.as_json() == data
    with uow:
        (stored_match,) = [d for d in uow.ledger.deposits() if d.check]
    assert stored_match.check == f"{practice.payer.id}/EFT-7001"


def test_a_payment_of_nothing_posted_is_still_posted_once(uow, practice, stored) -> None:
    zero = era(
        clp(
            "NOBODY-2",
            "4",
            "40.00",
            "0.00",
            svc("99213", "40.00", "0.00", cas("CO", "50", "40.00")),
        ),
        trace="CHK-0",
        payer=practice.payer.id,
    )
    first = remit_service.post_835(uow, t835.write_835([zero], HEADER))
    assert first.claims_unmatched == 1
    other_file = t835.write_835([zero], dataclasses.replace(HEADER, interchange_control_number=9))
    second = remit_service.post_835(uow, other_file)
    assert second.already_posted and second.checks_already_posted == 1
    assert len(remit_service.exceptions(uow)) == 1


def test_entries_read_back_exactly_with_their_legs_in_order(uow, practice) -> None:
    with uow:
        practice.store(uow)
        uow.commit()
    odd = patient_ar("MRN:77%x")
    written: list[JournalEntry] = [
        entry(
            id=f"manual:{n}",
            entry_date=date(2025, 4, n),
            source=SourceKind.PATIENT_PAYMENT,
            source_id=f"receipt-{n}",
            legs=(
                Leg(DEPOSITS, D("10.00") * n, 1, "patient_paid"),
                Leg(odd, D("-4.00"), 1, "patient_paid", "ref\t1\\N\nx\r"),
                Leg(odd, D("4.00") - D("10.00") * n, None, None),
            ),
            claim="Q9",
            patient_id="pt-1",
        )
        for n in (1, 2, 10)
    ]
    empty = JournalEntry(
        id="manual:empty",
        entry_date=date(2025, 4, 3),
        source=SourceKind.ADJUSTMENT,
        source_id="nothing",
        legs=(),
        claim="Q9",
    )
    with uow:
        uow.ledger.add([*written, empty])
        uow.commit()
    with uow:
        back = uow.ledger.for_claims(["Q9"])
        history = uow.ledger.history(["Q9"], [], odd)
    assert back == [written[0], written[1], empty, written[2]]
    assert history == back
    trial = ledger_service.trial_balance(uow)
    assert dict(trial.accounts)[odd] == D("-130.00")
    assert {str(a) for a, _ in trial.accounts} == {"deposits", "patient_ar:MRN%3A77%25x"}
    assert trial.total == 0


def test_entries_streamed_read_back_exactly_and_a_taken_id_is_a_duplicate(uow, practice) -> None:
    with uow:
        practice.store(uow)
        uow.commit()
    written = [
        entry(
            id=f"streamed:{n}",
            entry_date=date(2025, 5, n),
            source=SourceKind.PATIENT_PAYMENT,
            source_id=f"receipt-{n}",
            legs=(
                Leg(DEPOSITS, D("7.00") * n, n, "patient_paid", "ref\t\\N"),
                Leg(patient_ar("G:1"), D("-7.00") * n, n, "patient_paid"),
            ),
            claim="S1",
            patient_id="pt-1",
            memo="streamed",
        )
        for n in (1, 2, 3)
    ]
    more = [
        dataclasses.replace(e, id=f"streamed:{n}b", source_id=f"receipt-{n}b")
        for n, e in zip((1, 2, 3), written, strict=True)
    ]
    with uow:
        with uow.ledger.streaming(document="d" * 64) as store:
            for e in written:
                store(e)
        # PostgreSQL switches between the entry and the leg COPY every 2 entries here
        with uow.ledger.streaming(document="d" * 64, switch_every=2) as store:
            for e in more:
                store(e)
        uow.commit()
    with uow:
        back = uow.ledger.for_claims(["S1"])
        assert sorted(back, key=lambda e: e.id) == sorted([*written, *more], key=lambda e: e.id)
        assert len(uow.ledger.for_account(patient_ar("G:1"))) == 6
    for switch_every in (1, 2, 1000):
        with (
            uow,
            pytest.raises(Duplicate),
            uow.ledger.streaming(switch_every=switch_every) as store,
        ):
            store(dataclasses.replace(written[0], id="streamed:new"))
            store(written[1])
            store(dataclasses.replace(written[0], id="streamed:new2"))
    with uow:
        assert len(uow.ledger.for_claims(["S1"])) == 6


@pytest.mark.parametrize(
    "account", [patient_ar("G:1"), unapplied_cash("credit:G1"), refunds_payable("87726")]
)
def test_legs_on_a_party_account_are_found_through_the_partial_account_index(
    uow, practice, account
) -> None:
    with uow:
        practice.store(uow)
        uow.commit()
    e = entry(
        id="indexed:1",
        entry_date=date(2025, 5, 1),
        source=SourceKind.ADJUSTMENT,
        source_id="indexed",
        legs=(Leg(account, D("3.00"), None, "x"), Leg(insurance_ar("87726"), D("-3.00"), 1, "x")),
        claim="I1",
    )
    with uow:
        uow.ledger.add([e])
        uow.commit()
    with uow:
        assert uow.ledger.for_account(account) == [e]
        assert uow.ledger.for_account(insurance_ar("87726")) == [e], "found without the index"
        statement = uow.ledger._legs_on(account)
        connection = uow.session.connection()
        compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            # the compiled text is the driver's (percents doubled), as the repository sends it
            plan = [r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}")]
        else:
            plan = [r[3] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    assert any("ix_journal_leg_tenant_id_account" in line for line in plan), plan
