"""The unit of work keeps a change only when committed; anything else is rolled back."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from openrcm.domain.party import Tenant
from openrcm.service.unit_of_work import UnitOfWork
from openrcm.store import SqlUnitOfWork

UowFactory = Callable[[Tenant | str], SqlUnitOfWork]


class PostingFailed(Exception):
    pass


def _add_payer_and_patient(uow: UnitOfWork, practice) -> None:
    uow.payers.add(practice.payer)
    uow.guarantors.add(practice.guarantor)
    uow.patients.add(practice.patient)


def test_work_not_committed_is_rolled_back(
    uow_factory: UowFactory, tenant: Tenant, practice
) -> None:
    with uow_factory(tenant) as uow:
        _add_payer_and_patient(uow, practice)
        assert uow.patients.get(practice.patient.id) == practice.patient
    with uow_factory(tenant) as uow:
        assert uow.patients.get(practice.patient.id) is None
        assert uow.payers.list() == []


def test_an_exception_rolls_back_and_propagates(
    uow_factory: UowFactory, tenant: Tenant, practice
) -> None:
    with pytest.raises(PostingFailed), uow_factory(tenant) as uow:
        _add_payer_and_patient(uow, practice)
        raise PostingFailed
    with uow_factory(tenant) as uow:
        assert uow.patients.get(practice.patient.id) is None


def test_committed_work_stays_and_later_uncommitted_work_does_not(
    uow_factory: UowFactory, tenant: Tenant, practice
) -> None:
    with uow_factory(tenant) as uow:
        _add_payer_and_patient(uow, practice)
        uow.commit()
        uow.payers.add(practice.secondary_payer)
    with uow_factory(tenant) as uow:
        assert uow.patients.get(practice.patient.id) == practice.patient
        assert uow.payers.list() == [practice.payer]


def test_explicit_rollback_undoes_the_work_so_far(
    uow_factory: UowFactory, tenant: Tenant, practice
) -> None:
    with uow_factory(tenant) as uow:
        uow.payers.add(practice.payer)
        uow.rollback()
        uow.payers.add(practice.secondary_payer)
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.payers.list() == [practice.secondary_payer]


def test_a_unit_of_work_is_used_inside_with_only(uow_factory: UowFactory, tenant: Tenant) -> None:
    uow = uow_factory(tenant)
    with pytest.raises(RuntimeError):
        uow.commit()
    with uow:
        pass
    with pytest.raises(RuntimeError):
        uow.commit()


def test_the_sql_unit_of_work_serves_the_service_protocol(
    uow_factory: UowFactory, tenant: Tenant
) -> None:
    uow: UnitOfWork = uow_factory(tenant)
    with uow as opened:
        assert opened.tenant_id == tenant.id
        assert opened.claims.count() == 0
