"""Stored claims: unique control numbers per tenant, lifecycle moves with history, lookups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from openrcm.domain.claim_state import TRANSITIONS, ClaimStatus, IllegalTransition
from openrcm.domain.party import Tenant
from openrcm.store import Conflict, Duplicate, NotFound, SqlUnitOfWork
from openrcm.store.tables import ClaimLineRow, ClaimRow

UowFactory = Callable[[Tenant | str], SqlUnitOfWork]
S = ClaimStatus


@pytest.fixture
def stored(uow_factory: UowFactory, tenant: Tenant, practice) -> None:
    with uow_factory(tenant) as uow:
        practice.store(uow)
        uow.commit()


def _add(uow_factory: UowFactory, tenant: Tenant, *claims) -> None:
    with uow_factory(tenant) as uow:
        for claim in claims:
            uow.claims.add(claim)
        uow.commit()


def test_a_claim_moves_along_its_lifecycle_and_each_move_is_recorded(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    claim = practice.claim("NFP25-000201")
    _add(uow_factory, tenant, claim)
    started = datetime.now(UTC) - timedelta(seconds=5)
    with uow_factory(tenant) as uow:
        ready = uow.claims.set_status(claim, S.READY, "scrubbed clean")
        submitted = uow.claims.set_status(ready, S.SUBMITTED, "837P batch 0001")
        accepted = uow.claims.set_status(submitted, S.ACCEPTED, "277CA A1:20")
        paid = uow.claims.set_status(accepted, S.PARTIALLY_PAID, "835 CLP02=2")
        uow.commit()
    assert paid == claim.model_copy(update={"status": S.PARTIALLY_PAID})
    with uow_factory(tenant) as uow:
        assert uow.claims.get(claim.id) == paid
        history = uow.claims.history(claim.id)
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, S.DRAFT),
        (S.DRAFT, S.READY),
        (S.READY, S.SUBMITTED),
        (S.SUBMITTED, S.ACCEPTED),
        (S.ACCEPTED, S.PARTIALLY_PAID),
    ]
    assert [h.reason for h in history][1:] == [
        "scrubbed clean",
        "837P batch 0001",
        "277CA A1:20",
        "835 CLP02=2",
    ]
    assert all(h.claim_id == claim.id for h in history)
    assert all(
        h.changed_at >= started and h.changed_at.utcoffset() == timedelta(0) for h in history
    )
    assert [h.changed_at for h in history] == sorted(h.changed_at for h in history)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.PAID),
        (S.DRAFT, S.SUBMITTED),
        (S.READY, S.ACCEPTED),
        (S.VOID, S.DRAFT),
        (S.PAID, S.DRAFT),
        (S.CLOSED, S.PAID),
    ],
)
def test_an_illegal_move_is_refused_and_changes_nothing(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None, start: S, target: S
) -> None:
    assert target not in TRANSITIONS[start]
    claim = practice.claim("NFP25-000202", status=start)
    _add(uow_factory, tenant, claim)
    with uow_factory(tenant) as uow:
        with pytest.raises(IllegalTransition):
            uow.claims.set_status(claim, target, "should not happen")
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.claims.get(claim.id) == claim
        assert [h.to_status for h in uow.claims.history(claim.id)] == [start]


def test_a_move_from_a_stale_status_is_a_conflict(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    claim = practice.claim("NFP25-000203", status=S.SUBMITTED)
    _add(uow_factory, tenant, claim)
    with uow_factory(tenant) as uow:
        uow.claims.set_status(claim, S.ACCEPTED, "277CA")
        uow.commit()
    with uow_factory(tenant) as uow, pytest.raises(Conflict):
        uow.claims.set_status(claim, S.REJECTED, "a second, stale 277CA")


def test_moving_a_claim_that_is_not_on_file_is_not_found(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    with uow_factory(tenant) as uow, pytest.raises(NotFound):
        uow.claims.set_status(practice.claim("NFP25-000299"), S.READY)


def test_a_patient_control_number_is_unique_within_a_tenant(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    _add(uow_factory, tenant, practice.claim("NFP25-000301"))
    with uow_factory(tenant) as uow, pytest.raises(Duplicate):
        uow.claims.add(practice.claim("NFP25-000301", claim_id="clm-another"))


def test_the_same_patient_control_number_is_fine_in_two_tenants(
    uow_factory: UowFactory, tenant: Tenant, other_tenant: Tenant, practice, stored: None
) -> None:
    claim = practice.claim("NFP25-000301")
    _add(uow_factory, tenant, claim)
    with uow_factory(other_tenant) as uow:
        practice.store(uow)
        uow.claims.add(claim)
        uow.claims.set_status(claim, S.READY, "tenant B only")
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.claims.by_control_number("NFP25-000301") == claim
    with uow_factory(other_tenant) as uow:
        found = uow.claims.by_control_number("NFP25-000301")
        assert found is not None and found.status is S.READY


def test_claims_are_found_by_many_control_numbers_at_once(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    claims = [practice.claim(f"NFP25-{n:06d}") for n in range(1, 621)]
    with uow_factory(tenant) as uow:
        uow.claims.add_many(claims)
        uow.commit()
    wanted = [f"NFP25-{n:06d}" for n in range(1, 621, 2)] + ["NOT-OURS-1", "NFP25-000001"]
    with uow_factory(tenant) as uow:
        found = uow.claims.by_control_numbers(wanted)
    assert set(found) == {f"NFP25-{n:06d}" for n in range(1, 621, 2)}
    assert found["NFP25-000599"] == claims[598]


def test_claims_are_listed_by_status_and_payer_a_page_at_a_time(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    statuses = [S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.DENIED, S.SUBMITTED, S.PAID, S.SUBMITTED]
    claims = [practice.claim(f"NFP25-{n:06d}", status=s) for n, s in enumerate(statuses, 1)]
    secondary = practice.claim("NFP25-000099", status=S.SUBMITTED).model_copy(
        update={"payer": practice.secondary_payer}
    )
    _add(uow_factory, tenant, *claims, secondary)
    with uow_factory(tenant) as uow:
        submitted = uow.claims.list(status=S.SUBMITTED)
        first_page = uow.claims.list(status=S.SUBMITTED, limit=2)
        second_page = uow.claims.list(status=S.SUBMITTED, limit=2, offset=2)
        to_primary = uow.claims.list(status=S.SUBMITTED, payer_id=practice.payer.id)
        to_secondary = uow.claims.list(payer_id=practice.secondary_payer.id)
        counts = (
            uow.claims.count(),
            uow.claims.count(status=S.SUBMITTED),
            uow.claims.count(status=S.SUBMITTED, payer_id=practice.payer.id),
            uow.claims.count(status=S.VOID),
        )
    numbers = [c.patient_control_number for c in submitted]
    assert numbers == [
        "NFP25-000002",
        "NFP25-000003",
        "NFP25-000005",
        "NFP25-000007",
        "NFP25-000099",
    ]
    assert first_page + second_page == submitted[:4]
    assert [c.patient_control_number for c in to_primary] == numbers[:4]
    assert to_secondary == [secondary]
    assert counts == (8, 5, 4, 0)


def test_an_update_replaces_lines_and_amounts_but_not_the_status(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None, session_factory
) -> None:
    claim = practice.claim("NFP25-000401", status=S.REJECTED, charges=("150.00", "55.00", "20.00"))
    _add(uow_factory, tenant, claim)
    corrected = practice.claim("NFP25-000401", status=S.REJECTED, charges=("140.00",))
    with uow_factory(tenant) as uow:
        uow.claims.update(corrected)
        with pytest.raises(Conflict):
            uow.claims.update(corrected.model_copy(update={"status": S.READY}))
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.claims.get(claim.id) == corrected
    with session_factory() as session:
        row = session.scalars(select(ClaimRow).where(ClaimRow.id == claim.id)).one()
        lines = session.scalars(select(ClaimLineRow).where(ClaimLineRow.claim_id == claim.id)).all()
    assert row.total_charge_amount == Decimal("140.00")
    assert row.updated_at >= row.created_at
    assert [(line.number, line.procedure, line.charge_amount) for line in lines] == [
        (1, "99214", Decimal("140.00"))
    ]


def test_key_columns_hold_exact_decimals_for_queries(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None, session_factory
) -> None:
    claim = practice.claim("NFP25-000501", charges=("0.10", "0.20", "999999999.99"))
    _add(uow_factory, tenant, claim)
    with session_factory() as session:
        row = session.scalars(select(ClaimRow).where(ClaimRow.id == claim.id)).one()
        lines = session.scalars(
            select(ClaimLineRow)
            .where(ClaimLineRow.claim_id == claim.id)
            .order_by(ClaimLineRow.number)
        ).all()
    assert row.total_charge_amount == Decimal("1000000000.29")
    assert [line.charge_amount for line in lines] == [
        Decimal("0.10"),
        Decimal("0.20"),
        Decimal("999999999.99"),
    ]
    assert [line.units for line in lines] == [Decimal("1.000"), Decimal("1.000"), Decimal("2.500")]
    assert [line.modifiers for line in lines] == [["25"], [], []]
    assert row.first_service_date == claim.first_service_date
    assert (row.status, row.kind, row.payer_id, row.patient_id) == (
        "draft",
        "professional",
        practice.payer.id,
        practice.patient.id,
    )


def test_two_units_of_work_cannot_both_move_the_same_claim(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    """A 277CA rejection read before an acceptance was committed must not overwrite it."""
    claim = practice.claim("NFP25-000701", status=S.SUBMITTED)
    _add(uow_factory, tenant, claim)
    with uow_factory(tenant) as late:
        seen = late.claims.get(claim.id)
        assert seen is not None
        with uow_factory(tenant) as early:
            early.claims.set_status(claim, S.ACCEPTED, "277CA accepted")
            early.commit()
        with pytest.raises(Conflict):
            late.claims.set_status(seen, S.REJECTED, "277CA rejected, read too early")
    with uow_factory(tenant) as uow:
        assert [h.to_status for h in uow.claims.history(claim.id)] == [S.SUBMITTED, S.ACCEPTED]


def test_many_claims_move_at_once_each_move_recorded(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    submitted = [practice.claim(f"NFP25-{n:06d}", status=S.SUBMITTED) for n in range(801, 807)]
    accepted = practice.claim("NFP25-000810", status=S.ACCEPTED)
    untouched = practice.claim("NFP25-000811", status=S.SUBMITTED)
    _add(uow_factory, tenant, *submitted, accepted, untouched)
    targets = [S.PAID, S.PAID, S.DENIED, S.PARTIALLY_PAID, S.PAID, S.DENIED]
    with uow_factory(tenant) as uow:
        seen = uow.claims.get(submitted[0].id)  # a row the session holds before the move
        assert seen is not None and seen.status is S.SUBMITTED
        moved = uow.claims.set_statuses(
            [*zip(submitted, targets, strict=True), (accepted, S.PAID)], reason="835 X/1"
        )
        assert uow.claims.get(submitted[0].id) == submitted[0].model_copy(update={"status": S.PAID})
        uow.commit()
    assert [c.status for c in moved] == [*targets, S.PAID]
    with uow_factory(tenant) as uow:
        found = uow.claims.by_control_numbers(
            c.patient_control_number for c in [*submitted, accepted, untouched]
        )
        paid = uow.claims.list(status=S.PAID)
        histories = {c.id: uow.claims.history(c.id) for c in [*submitted, accepted, untouched]}
    assert [found[c.patient_control_number].status for c in submitted] == targets
    assert found[accepted.patient_control_number] == accepted.model_copy(update={"status": S.PAID})
    assert found[untouched.patient_control_number] == untouched
    assert {c.patient_control_number for c in paid} == {
        "NFP25-000801",
        "NFP25-000802",
        "NFP25-000805",
        "NFP25-000810",
    }
    for claim, target in zip(submitted, targets, strict=True):
        assert [(h.from_status, h.to_status, h.reason) for h in histories[claim.id]][1:] == [
            (S.SUBMITTED, target, "835 X/1")
        ]
    assert len(histories[untouched.id]) == 1


def test_a_claim_moved_twice_in_one_batch_records_both_moves(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    claim = practice.claim("NFP25-000820", status=S.SUBMITTED)
    _add(uow_factory, tenant, claim)
    paid = claim.model_copy(update={"status": S.PAID})
    with uow_factory(tenant) as uow:
        uow.claims.set_statuses([(claim, S.PAID), (paid, S.ADJUDICATED)], reason="835 split")
        uow.commit()
    with uow_factory(tenant) as uow:
        stored_claim = uow.claims.get(claim.id)
        history = uow.claims.history(claim.id)
    assert stored_claim is not None and stored_claim.status is S.ADJUDICATED
    assert [(h.from_status, h.to_status) for h in history][1:] == [
        (S.SUBMITTED, S.PAID),
        (S.PAID, S.ADJUDICATED),
    ]


@pytest.mark.parametrize("problem", ["illegal", "stale", "missing"])
def test_a_bad_move_in_a_batch_changes_nothing(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None, problem: str
) -> None:
    good = practice.claim("NFP25-000830", status=S.SUBMITTED)
    bad = practice.claim("NFP25-000831", status=S.DRAFT)
    _add(uow_factory, tenant, good, bad)
    if problem == "stale":
        with uow_factory(tenant) as uow:
            uow.claims.set_status(bad, S.READY, "scrubbed")
            uow.commit()
        move, error = (bad, S.VOID), Conflict
    elif problem == "illegal":
        move, error = (bad, S.PAID), IllegalTransition
    else:
        move, error = (practice.claim("NFP25-000899", status=S.DRAFT), S.READY), NotFound
    with uow_factory(tenant) as uow:
        with pytest.raises(error):
            uow.claims.set_statuses([(good, S.PAID), move], reason="835")
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.claims.get(good.id) == good
        assert len(uow.claims.history(good.id)) == 1


def test_a_claim_moved_in_bulk_can_be_moved_again_one_at_a_time(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    claim = practice.claim("NFP25-000840", status=S.SUBMITTED)
    _add(uow_factory, tenant, claim)
    with uow_factory(tenant) as uow:
        (paid,) = uow.claims.set_statuses([(claim, S.PAID)], reason="835")
        uow.commit()
    with uow_factory(tenant) as uow:
        closed = uow.claims.set_status(paid, S.CLOSED, "balance zero")
        with pytest.raises(Conflict):
            uow.claims.set_statuses([(paid, S.DENIED)])
    assert closed == claim.model_copy(update={"status": S.CLOSED})
