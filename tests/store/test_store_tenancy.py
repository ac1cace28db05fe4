"""A repository in tenant A cannot read, list or change tenant B's rows, even by id."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.party import Tenant
from openrcm.store import MissingReference, NotFound, SqlUnitOfWork

UowFactory = Callable[[Tenant | str], SqlUnitOfWork]


@pytest.fixture
def tenant_b_claim(uow_factory: UowFactory, other_tenant: Tenant, practice):
    """Tenant B's practice with one submitted claim; tenant A (the `tenant`) has nothing."""
    claim = practice.claim("LVB-000901", status=ClaimStatus.SUBMITTED)
    with uow_factory(other_tenant) as uow:
        practice.store(uow)
        uow.claims.add(claim)
        uow.commit()
    return claim


def test_tenant_a_cannot_read_tenant_b_rows_by_id(
    uow_factory: UowFactory, tenant: Tenant, practice, tenant_b_claim
) -> None:
    with uow_factory(tenant) as uow:
        assert uow.patients.get(practice.patient.id) is None
        assert uow.coverages.get(practice.coverage.id) is None
        assert uow.claims.get(tenant_b_claim.id) is None
        assert uow.claims.by_control_numbers([tenant_b_claim.patient_control_number]) == {}
        assert uow.claims.by_control_number(tenant_b_claim.patient_control_number) is None
        assert uow.claims.history(tenant_b_claim.id) == []
        assert uow.payers.get(practice.payer.id) is None
        assert uow.providers.by_npi(practice.billing_provider.npi) is None
        assert uow.encounters.get(practice.encounter.id) is None
        assert uow.guarantors.get(practice.guarantor.id) is None
        assert uow.locations.get(practice.location.id) is None
        assert uow.plans.get(practice.plan.id) is None
        patient = practice.patient
        assert uow.patients.find(patient.name.last, patient.name.first, patient.birth_date) == []


def test_tenant_a_lists_none_of_tenant_b_rows(
    uow_factory: UowFactory, tenant: Tenant, practice, tenant_b_claim
) -> None:
    with uow_factory(tenant) as uow:
        assert uow.patients.list() == []
        assert uow.coverages.list() == []
        assert uow.coverages.for_patient(practice.patient.id) == []
        assert uow.claims.list() == []
        assert uow.claims.list(status=ClaimStatus.SUBMITTED) == []
        assert uow.claims.count() == 0
        assert uow.encounters.for_patient(practice.patient.id) == []


def test_tenant_a_cannot_update_tenant_b_rows_and_they_stay_unchanged(
    uow_factory: UowFactory, tenant: Tenant, other_tenant: Tenant, practice, tenant_b_claim
) -> None:
    with uow_factory(tenant) as uow:
        with pytest.raises(NotFound):
            uow.patients.update(practice.patient.model_copy(update={"phone": "3125550000"}))
        with pytest.raises(NotFound):
            uow.coverages.update(practice.coverage.model_copy(update={"member_id": "HIJACKED1"}))
        with pytest.raises(NotFound):
            uow.claims.update(tenant_b_claim.model_copy(update={"note": "HIJACKED"}))
        with pytest.raises(NotFound):
            uow.claims.set_status(tenant_b_claim, ClaimStatus.PAID, "not ours")
        uow.commit()
    with uow_factory(other_tenant) as uow:
        assert uow.patients.get(practice.patient.id) == practice.patient
        assert uow.coverages.get(practice.coverage.id) == practice.coverage
        assert uow.claims.get(tenant_b_claim.id) == tenant_b_claim
        assert [change.to_status for change in uow.claims.history(tenant_b_claim.id)] == [
            ClaimStatus.SUBMITTED
        ]


def test_tenant_a_cannot_point_its_rows_at_tenant_b_rows(
    uow_factory: UowFactory, tenant: Tenant, practice, tenant_b_claim
) -> None:
    """A coverage or claim in A naming B's patient or payer is refused by the database."""
    with uow_factory(tenant) as uow, pytest.raises(MissingReference):
        uow.coverages.add(practice.coverage.model_copy(update={"plan_id": None}))
    with uow_factory(tenant) as uow, pytest.raises(MissingReference):
        uow.claims.add(practice.claim("NFP25-000777"))


def test_the_same_ids_live_side_by_side_in_two_tenants(
    uow_factory: UowFactory, tenant: Tenant, other_tenant: Tenant, practice, tenant_b_claim
) -> None:
    changed_patient = practice.patient.model_copy(update={"phone": "7735550123"})
    with uow_factory(tenant) as uow:
        practice.store(uow)
        uow.patients.update(changed_patient)
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.patients.get(practice.patient.id) == changed_patient
    with uow_factory(other_tenant) as uow:
        assert uow.patients.get(practice.patient.id) == practice.patient
