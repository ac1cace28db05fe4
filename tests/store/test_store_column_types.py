"""Money columns are exact Decimals and timestamps aware UTC, on SQLite as on PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from openrcm.domain.party import Tenant
from openrcm.store import SqlUnitOfWork
from openrcm.store.tables import ClaimLineRow

UowFactory = Callable[[Tenant | str], SqlUnitOfWork]


def _amounts() -> list[Decimal]:
    rng = random.Random(20251124)
    edge = ["0.00", "0.01", "0.10", "0.20", "19.99", "999999999999.99", "-45.67", "123456789012.34"]
    drawn = [Decimal(rng.randrange(0, 10**14)).scaleb(-2) for _ in range(300)]
    return [Decimal(text) for text in edge] + drawn


@pytest.fixture
def claim_with_lines(uow_factory: UowFactory, tenant: Tenant, practice):
    claim = practice.claim("NFP25-000601")
    with uow_factory(tenant) as uow:
        practice.store(uow)
        uow.claims.add(claim)
        uow.commit()
    return claim


def _line(tenant: Tenant, claim_id: str, number: int, amount: object) -> ClaimLineRow:
    return ClaimLineRow(
        tenant_id=tenant.id,
        claim_id=claim_id,
        number=number,
        procedure="99213",
        modifiers=[],
        units=Decimal("1"),
        charge_amount=amount,
        service_date=date(2025, 3, 4),
    )


def test_every_amount_of_up_to_fourteen_digits_comes_back_exactly(
    session_factory, tenant: Tenant, claim_with_lines
) -> None:
    amounts = _amounts()
    with session_factory() as session:
        for number, amount in enumerate(amounts, start=10):
            session.add(_line(tenant, claim_with_lines.id, number, amount))
        session.commit()
    with session_factory() as session:
        stored = session.scalars(
            select(ClaimLineRow.charge_amount)
            .where(ClaimLineRow.number >= 10)
            .order_by(ClaimLineRow.number)
        ).all()
    assert stored == amounts
    assert all(
        isinstance(amount, Decimal) and amount.as_tuple().exponent == -2 for amount in stored
    )


def test_sums_in_sql_are_exact_to_the_cent(
    session_factory, tenant: Tenant, claim_with_lines
) -> None:
    with session_factory() as session:
        for number in range(10, 20):
            session.add(_line(tenant, claim_with_lines.id, number, Decimal("0.10")))
        session.add(_line(tenant, claim_with_lines.id, 20, Decimal("0.20")))
        session.commit()
        total = session.scalar(
            select(func.sum(ClaimLineRow.charge_amount)).where(ClaimLineRow.number >= 10)
        )
    assert total == Decimal("1.20")
    assert isinstance(total, Decimal)


@pytest.mark.parametrize("amount", [0.1, Decimal("12.345")])
def test_floats_and_fractions_of_a_cent_are_refused(
    session_factory, tenant: Tenant, claim_with_lines, amount: object
) -> None:
    with session_factory() as session:
        session.add(_line(tenant, claim_with_lines.id, 10, amount))
        with pytest.raises(StatementError):
            session.flush()


def test_timestamps_come_back_as_the_same_instant_in_utc(
    uow_factory: UowFactory, tenant: Tenant
) -> None:
    from openrcm.domain.document import ImportedDocument, content_sha256

    chicago_evening = datetime(
        2025, 12, 31, 21, 15, 7, 123456, tzinfo=timezone(timedelta(hours=-6))
    )
    document = ImportedDocument(
        kind="837P", content_sha256=content_sha256(b"ISA*..."), received_at=chicago_evening
    )
    with uow_factory(tenant) as uow:
        uow.documents.add(document)
        uow.commit()
    with uow_factory(tenant) as uow:
        loaded = uow.documents.get(document.content_sha256)
    assert loaded is not None
    assert loaded.received_at == datetime(2026, 1, 1, 3, 15, 7, 123456, tzinfo=UTC)
    assert loaded.received_at.tzinfo == UTC
