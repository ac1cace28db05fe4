"""Posting 835 files through storage, on SQLite and PostgreSQL: per-payment transactions,
idempotency by content hash, claim statuses, the work queue, balances from stored entries."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from remit_factories import cas, clp, era, svc

from openrcm.domain import ClaimStatus, OtherPayer
from openrcm.ledger import ClaimLedgerStatus
from openrcm.service import ledger as ledger_service
from openrcm.service import remit as remit_service
from openrcm.service.ledger import ledger_of

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


def file_of(*remittances) -> str:
    return t835.write_835(remittances, HEADER)


@pytest.fixture
def stored(uow, practice):
    """A practice with three submitted claims; C2 has a secondary payer still to bill."""
    secondary = OtherPayer(
        payer=practice.secondary_payer,
        subscriber=practice.secondary_coverage.subscriber,
        member_id=practice.secondary_coverage.member_id,
        priority="S",
    )
    claims = {
        "C1": practice.claim(
            "C1", status=ClaimStatus.SUBMITTED, charges=("150.00", "55.00")
        ).model_copy(update={"other_payers": ()}),
        "C2": practice.claim("C2", status=ClaimStatus.SUBMITTED, charges=("200.00",)).model_copy(
            update={"other_payers": (secondary,)}
        ),
        "C3": practice.claim("C3", status=ClaimStatus.SUBMITTED, charges=("90.00",)).model_copy(
            update={"other_payers": ()}
        ),
    }
    with uow:
        practice.store(uow)
        uow.claims.add_many(list(claims.values()))
        uow.commit()
    return claims


def payment_one(payer_id: str):
    return era(
        clp(
            "C1",
            "1",
            "205.00",
            "130.00",
            svc(
                "99214",
                "150.00",
                "100.00",
                cas("CO", "45", "30.00"),
                cas("PR", "2", "20.00"),
                line=1,
            ),
            svc("82947", "55.00", "30.00", cas("CO", "45", "25.00"), line=2),
            icn="ICN-C1",
        ),
        clp(
            "C2",
            "1",
            "200.00",
            "120.00",
            svc(
                "99214",
                "200.00",
                "120.00",
                cas("CO", "45", "50.00"),
                cas("PR", "1", "30.00"),
                line=1,
            ),
            icn="ICN-C2",
        ),
        clp("GHOST-9", "1", "80.00", "80.00", svc("99213", "80.00", "80.00")),
        trace="EFT-100",
        payer=payer_id,
    )


def payment_two(payer_id: str):
    return era(
        clp(
            "C3",
            "4",
            "90.00",
            "0.00",
            svc("99214", "90.00", "0.00", cas("CO", "50", "90.00"), line=1),
            icn="ICN-C3",
        ),
        trace="CHK-200",
        payer=payer_id,
    )


def test_an_835_posts_to_the_ledger_once(uow, practice, stored) -> None:
    text = file_of(payment_one(practice.payer.id), payment_two(practice.payer.id))
    summary = remit_service.post_835(uow, text, name="era.835")
    assert summary.as_json()["amount_posted"] == "250.00"
    assert (summary.checks, summary.claims_posted, summary.claims_unmatched) == (2, 3, 1)
    assert not summary.already_posted and summary.denials == 1 and summary.secondary_claims == 1

    c1 = ledger_service.claim_balance(uow, "C1")
    assert c1 is not None and c1.as_json() | {"claim": "C1"} == {
        "claim": "C1",
        "charge": "205.00",
        "insurance_paid": "130.00",
        "adjustments": "55.00",
        "patient_paid": "0.00",
        "patient_responsibility": "20.00",
        "insurance_balance": "0.00",
        "patient_balance": "20.00",
        "status": "patient_due",
    }
    c2 = ledger_service.claim_balance(uow, "C2")
    assert c2 is not None and c2.status is ClaimLedgerStatus.INSURANCE_PENDING
    assert (c2.insurance_balance, c2.patient_balance) == (D("30.00"), 0)
    c3 = ledger_service.claim_balance(uow, "C3")
    assert c3 is not None and c3.status is ClaimLedgerStatus.DENIED
    trial = ledger_service.trial_balance(uow)
    assert trial.as_json()["total"] == "0.00"
    named = {str(a): v for a, v in trial.accounts}
    assert named["deposits"] == D("330.00") and named[f"unapplied_cash:{practice.payer.id}"] == D(
        "-80.00"
    )

    with uow:
        assert uow.claims.by_control_number("C1").status is ClaimStatus.PAID
        assert uow.claims.by_control_number("C3").status is ClaimStatus.DENIED
        entries = len(ledger_of(uow).entries())
    (item,) = remit_service.exceptions(uow)
    assert (item["patient_control_number"], item["reason"]) == ("GHOST-9", "claim_not_found")
    assert [i["claim"] for i in remit_service.exceptions(uow, kind="secondary_claim")] == ["C2"]

    again = remit_service.post_835(uow, text)
    assert again.already_posted and again.claims_posted == 0
    with uow:
        assert len(ledger_of(uow).entries()) == entries
    assert ledger_service.trial_balance(uow) == trial


def test_each_payment_is_all_or_nothing_and_a_rerun_finishes_the_file(
    uow, practice, stored, monkeypatch
) -> None:
    text = file_of(payment_one(practice.payer.id), payment_two(practice.payer.id))
    real = remit_service.post_remittance
    calls = []

    def failing_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(remit_service, "post_remittance", failing_second)
    with pytest.raises(RuntimeError):
        remit_service.post_835(uow, text)
    assert ledger_service.claim_balance(uow, "C1") is not None
    assert ledger_service.claim_balance(uow, "C3") is None, "the failed payment left nothing behind"
    with uow:
        assert not uow.documents.seen(remit_service.content_sha256(text))

    monkeypatch.setattr(remit_service, "post_remittance", real)
    rerun = remit_service.post_835(uow, text)
    assert (rerun.checks_already_posted, rerun.claims_posted, rerun.already_posted) == (1, 1, False)
    assert ledger_service.claim_balance(uow, "C3").status is ClaimLedgerStatus.DENIED
    assert ledger_service.trial_balance(uow).total == 0


def test_the_same_payment_in_another_file_is_not_posted_twice(uow, practice, stored) -> None:
    remit_service.post_835(uow, file_of(payment_two(practice.payer.id)))
    other_file = t835.write_835(
        [payment_two(practice.payer.id)],
        dataclasses.replace(HEADER, interchange_control_number=2),
    )
    summary = remit_service.post_835(uow, other_file)
    assert summary.already_posted and summary.checks_already_posted == 1


def test_a_payment_failing_half_way_through_storing_leaves_nothing(
    uow, practice, stored, monkeypatch
) -> None:
    text = file_of(payment_one(practice.payer.id))
    real = remit_service.post_remittance

    def failing_after_two_entries(*args, on_entry, **kwargs):
        seen = []

        def hand_on(e):
            on_entry(e)  # stored (streamed to PostgreSQL) before the failure
            seen.append(e)
            if len(seen) == 2:
                raise RuntimeError("the disk is full")

        return real(*args, on_entry=hand_on, **kwargs)

    monkeypatch.setattr(remit_service, "post_remittance", failing_after_two_entries)
    with pytest.raises(RuntimeError):
        remit_service.post_835(uow, text)
    with uow:
        assert ledger_of(uow).entries() == []
        assert uow.claims.by_control_number("C1").status is ClaimStatus.SUBMITTED
        assert not ledger_of(uow).has_check(f"{practice.payer.id}/EFT-100")

    monkeypatch.setattr(remit_service, "post_remittance", real)
    rerun = remit_service.post_835(uow, text)
    assert (rerun.claims_posted, rerun.already_posted) == (2, False)
    assert ledger_service.claim_balance(uow, "C1").insurance_paid == D("130.00")
    assert ledger_service.trial_balance(uow).total == 0
