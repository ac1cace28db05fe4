"""Each repository gives back exactly the domain record it was given, and de-duplicates parties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from openrcm.domain.claim import ClaimKind, Diagnosis, DiagnosisKind, ServiceLine
from openrcm.domain.document import ImportedDocument, content_sha256
from openrcm.domain.party import (
    CoveragePriority,
    EntityType,
    Patient,
    PersonName,
    Provider,
    ProviderRole,
    Tenant,
    TenantKind,
)
from openrcm.store import Duplicate, MissingReference, NotFound, SqlUnitOfWork

UowFactory = Callable[[Tenant | str], SqlUnitOfWork]


@pytest.fixture
def stored(uow_factory: UowFactory, tenant: Tenant, practice) -> None:
    with uow_factory(tenant) as uow:
        practice.store(uow)
        uow.commit()


def test_every_party_comes_back_exactly_as_stored(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    with uow_factory(tenant) as uow:
        assert uow.payers.get(practice.payer.id) == practice.payer
        assert uow.payers.get(practice.secondary_payer.id) == practice.secondary_payer
        assert uow.plans.get(practice.plan.id) == practice.plan
        assert uow.guarantors.get(practice.guarantor.id) == practice.guarantor
        assert uow.patients.get(practice.patient.id) == practice.patient
        assert uow.coverages.get(practice.coverage.id) == practice.coverage
        assert uow.coverages.get(practice.secondary_coverage.id) == practice.secondary_coverage
        assert uow.providers.get(practice.billing_provider.id) == practice.billing_provider
        assert uow.providers.get(practice.rendering_provider.id) == practice.rendering_provider
        assert uow.locations.get(practice.location.id) == practice.location
        assert uow.encounters.get(practice.encounter.id) == practice.encounter


def test_a_round_trip_keeps_types_not_just_equal_values(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    with uow_factory(tenant) as uow:
        coverage = uow.coverages.get(practice.coverage.id)
        encounter = uow.encounters.get(practice.encounter.id)
        provider = uow.providers.get(practice.billing_provider.id)
    assert coverage is not None and encounter is not None and provider is not None
    assert coverage.subscriber.birth_date == date(1961, 9, 14)
    assert coverage.termination_date == date(2025, 12, 31)
    assert coverage.priority is CoveragePriority.PRIMARY
    assert isinstance(encounter.procedures, tuple)
    assert encounter.procedures[0].modifiers == ("25",)
    assert encounter.procedures[1].units == Decimal("1.5")
    assert isinstance(encounter.procedures[1].units, Decimal)
    assert provider.roles == frozenset({ProviderRole.BILLING, ProviderRole.PAY_TO})
    assert provider.address is not None and provider.address.zip_code == "606101234"


def test_a_claim_comes_back_exactly_with_decimal_money_dates_and_tuples(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    claim = practice.claim("NFP25-000101", charges=("150.00", "55.10", "12.35", "1234567.89"))
    with uow_factory(tenant) as uow:
        uow.claims.add(claim)
        uow.commit()
    with uow_factory(tenant) as uow:
        loaded = uow.claims.get(claim.id)
    assert loaded == claim
    assert loaded is not None
    assert loaded.total_charge_amount == Decimal("1234785.34")
    assert isinstance(loaded.total_charge_amount, Decimal)
    assert loaded.lines[2].units == Decimal("2.5")
    assert loaded.lines[3].modifiers == ("59", "XU")
    assert loaded.lines[1].ndc_quantity == Decimal("0.5")
    assert loaded.other_payers[0].adjustments[0].amount == Decimal("40.00")
    assert loaded.first_service_date == date(2025, 3, 4)


def test_an_institutional_claim_round_trips_its_codes(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    professional = practice.claim("NFP25-000102")
    claim = professional.model_copy(
        update={
            "kind": ClaimKind.INSTITUTIONAL,
            "place_of_service": None,
            "type_of_bill": "0131",
            "statement_from": date(2025, 3, 4),
            "statement_to": date(2025, 3, 4),
            "diagnoses": (
                Diagnosis(code="R07.9", kind=DiagnosisKind.PRINCIPAL),
                Diagnosis(code="R07.89", kind=DiagnosisKind.REASON_FOR_VISIT),
            ),
            "lines": (
                ServiceLine(
                    number=1,
                    procedure="93005",
                    revenue_code="0730",
                    charge_amount=Decimal("205.00"),
                    units=Decimal("1.000"),
                    service_date=date(2025, 3, 4),
                ),
            ),
            "occurrence_codes": (("11", date(2025, 3, 3)),),
            "value_codes": (("A1", Decimal("250.00")),),
            "condition_codes": ("39",),
        }
    )
    claim = type(claim).model_validate(claim.model_dump())
    with uow_factory(tenant) as uow:
        uow.claims.add(claim)
        uow.commit()
    with uow_factory(tenant) as uow:
        loaded = uow.claims.get(claim.id)
    assert loaded == claim
    assert loaded is not None and loaded.value_codes == (("A1", Decimal("250.00")),)
    assert loaded.occurrence_codes == (("11", date(2025, 3, 3)),)


def test_an_update_replaces_the_stored_record(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    moved = practice.patient.model_copy(update={"phone": "3125550199", "address": None})
    with uow_factory(tenant) as uow:
        uow.patients.update(moved)
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.patients.get(practice.patient.id) == moved


def test_updating_or_getting_what_does_not_exist(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    stranger = practice.patient.model_copy(update={"id": "pat-999999"})
    with uow_factory(tenant) as uow:
        assert uow.patients.get("pat-999999") is None
        with pytest.raises(NotFound):
            uow.patients.update(stranger)


def test_a_second_record_with_the_same_id_is_a_duplicate(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    with uow_factory(tenant) as uow, pytest.raises(Duplicate):
        uow.payers.add(practice.payer.model_copy(update={"name": "Another Name"}))


def test_a_coverage_for_a_patient_the_tenant_lacks_is_refused(
    uow_factory: UowFactory, tenant: Tenant, practice
) -> None:
    with uow_factory(tenant) as uow:
        uow.payers.add(practice.payer)
        with pytest.raises(MissingReference):
            uow.coverages.add(practice.coverage.model_copy(update={"plan_id": None}))


def test_a_claim_needs_its_patient_and_payer_on_file(
    uow_factory: UowFactory, tenant: Tenant, practice
) -> None:
    with uow_factory(tenant) as uow, pytest.raises(MissingReference):
        uow.claims.add(practice.claim())


def test_lists_page_through_records_in_id_order(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    with uow_factory(tenant) as uow:
        for number in range(1, 6):
            uow.patients.add(
                practice.patient.model_copy(
                    update={"id": f"pat-1{number:05d}", "guarantor_id": None}
                )
            )
        uow.commit()
    with uow_factory(tenant) as uow:
        first = uow.patients.list(limit=4)
        second = uow.patients.list(limit=4, offset=4)
    ids = [p.id for p in first + second]
    assert ids == sorted(ids) and len(ids) == 6 and ids[0] == practice.patient.id


def test_coverages_for_a_patient_come_primary_first(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    with uow_factory(tenant) as uow:
        coverages = uow.coverages.for_patient(practice.patient.id)
        plans = uow.plans.for_payer(practice.payer.id)
        encounters = uow.encounters.for_patient(practice.patient.id)
    assert [c.priority for c in coverages] == [CoveragePriority.PRIMARY, CoveragePriority.SECONDARY]
    assert plans == [practice.plan]
    assert encounters == [practice.encounter]


def test_a_payer_is_found_by_its_payer_id_not_added_twice(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    renamed = practice.payer.model_copy(update={"name": "PRAIRIE HEALTH"})
    with uow_factory(tenant) as uow:
        assert uow.payers.find_or_add(renamed) == practice.payer
        new_payer = practice.payer.model_copy(update={"id": "60054", "name": "Aetna"})
        assert uow.payers.find_or_add(new_payer) == new_payer
        assert len(uow.payers.list()) == 3


def test_a_provider_is_found_by_npi_and_gains_new_roles(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    same_npi = practice.rendering_provider.model_copy(
        update={"id": "prv-from-837", "roles": frozenset({ProviderRole.REFERRING})}
    )
    with uow_factory(tenant) as uow:
        found = uow.providers.find_or_add(same_npi)
        assert found.id == practice.rendering_provider.id
        assert found.roles == frozenset({ProviderRole.RENDERING, ProviderRole.REFERRING})
        newcomer = Provider(
            id="prv-lee",
            npi="1234567893",
            entity_type=EntityType.PERSON,
            name="Lee",
            first_name="Min",
        )
        assert uow.providers.find_or_add(newcomer) == newcomer
        assert uow.providers.by_npi("1234567893") == newcomer
        uow.commit()
    with uow_factory(tenant) as uow:
        stored_roles = uow.providers.get(practice.rendering_provider.id).roles
    assert stored_roles == frozenset({ProviderRole.RENDERING, ProviderRole.REFERRING})


def test_a_patient_is_found_by_name_birth_date_and_member_id(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    from_837 = practice.patient.model_copy(
        update={
            "id": "pat-from-837",
            "name": PersonName(last="OKAFOR", first="GRACE"),
            "guarantor_id": None,
        }
    )
    with uow_factory(tenant) as uow:
        assert uow.patients.find_or_add(from_837, member_id="W281734409") == practice.patient
        assert uow.patients.find_or_add(from_837, member_id="LMU-55120-02") == practice.patient
        # same name and birthday, but another member id: a different person
        other = uow.patients.find_or_add(from_837, member_id="Z999000111")
        assert other == from_837
        assert len(uow.patients.list()) == 2


def test_a_new_patient_without_coverage_is_matched_until_coverage_is_added(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    twin = Patient(
        id="pat-new",
        name=PersonName(last="Nguyen", first="Bao"),
        birth_date=date(1988, 2, 29),
        sex="M",
    )
    with uow_factory(tenant) as uow:
        assert uow.patients.find_or_add(twin, member_id="XJH774411") == twin
        again = twin.model_copy(update={"id": "pat-new-again"})
        assert uow.patients.find_or_add(again, member_id="XJH774411") == twin
        assert uow.patients.find_or_add(again) == twin
        assert uow.patients.find("nguyen", "BAO", date(1988, 2, 29)) == [twin]


def test_a_coverage_is_found_by_patient_payer_and_member_id(
    uow_factory: UowFactory, tenant: Tenant, practice, stored: None
) -> None:
    duplicate = practice.coverage.model_copy(update={"id": "cov-from-837", "plan_id": None})
    with uow_factory(tenant) as uow:
        assert uow.coverages.find_or_add(duplicate) == practice.coverage
        renewed = duplicate.model_copy(update={"member_id": "W281734410"})
        assert uow.coverages.find_or_add(renewed) == renewed


def test_documents_are_known_by_content_hash(uow_factory: UowFactory, tenant: Tenant) -> None:
    content = "ISA*00*          *00*          *ZZ*PAYER...~"
    received = datetime(2025, 4, 2, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    document = ImportedDocument(
        kind="835",
        content_sha256=content_sha256(content),
        name="era-0402.835",
        received_at=received,
    )
    with uow_factory(tenant) as uow:
        assert not uow.documents.seen(document.content_sha256)
        uow.documents.add(document)
        uow.commit()
    with uow_factory(tenant) as uow:
        assert uow.documents.seen(content_sha256(content.encode()))
        loaded = uow.documents.get(document.content_sha256)
        assert loaded == document
        assert loaded is not None and loaded.received_at.utcoffset() == timedelta(0)
        assert loaded.received_at == datetime(2025, 4, 2, 14, 30, tzinfo=UTC)
        assert uow.documents.list(kind="835") == [document]
        assert uow.documents.list(kind="837P") == []
        with pytest.raises(Duplicate):
            uow.documents.add(document.model_copy(update={"name": "copy.835"}))


def test_tenants_are_administered_without_a_tenant_filter(
    uow_factory: UowFactory, tenant: Tenant, other_tenant: Tenant
) -> None:
    with uow_factory(tenant) as uow:
        assert uow.tenants.list() == [other_tenant, tenant]
        renamed = other_tenant.model_copy(update={"kind": TenantKind.BILLING_CLIENT})
        uow.tenants.update(renamed)
        uow.commit()
    with uow_factory(other_tenant) as uow:
        assert uow.tenants.get(other_tenant.id) == renamed
        assert uow.tenants.find_or_add(Tenant(id=tenant.id, name="Ignored")) == tenant
        with pytest.raises(Duplicate):
            uow.tenants.add(Tenant(id=tenant.id, name="Again"))
