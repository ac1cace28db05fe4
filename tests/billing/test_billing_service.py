"""Claim building from storage, on SQLite and PostgreSQL: charge master imports, claims
built from stored encounters (once), authorisations on file, provider changes, hospital
stays, and ready claims batched per payer with interchange control numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from billing_testkit import FEES_2025, FEES_JULY, RATE_CHANGE, knee_injection_visit, store_visits

from openrcm.billing import EncounterDetails, InstitutionalStay, Setting
from openrcm.domain import ClaimKind, ClaimStatus, Diagnosis, DiagnosisKind, ProcedureEntry
from openrcm.domain.authorization import Authorization, AuthorizationKind
from openrcm.domain.provider_change import ProviderChange
from openrcm.scrub import ScrubContext
from openrcm.service.authorizations import add_authorization
from openrcm.service.billing import (
    BillingSetupError,
    batch_claims,
    billing_of,
    build_claims,
    charge_master,
    import_fees,
    record_details,
)
from openrcm.store.provider_change_tables import SqlProviderChangeRepository
from openrcm.x12 import read_837p

NO_DATA = ScrubContext(as_of=date(2025, 7, 20))  # the edits that need no reference tables


@pytest.fixture
def stored(uow, practice):  # type: ignore[no-untyped-def]
    return store_visits(uow, practice)


def test_a_charge_master_import_is_effective_dated_and_idempotent(uow, practice) -> None:  # type: ignore[no-untyped-def]
    first = import_fees(uow, FEES_2025, effective_date=date(2025, 1, 1))
    again = import_fees(uow, FEES_2025, effective_date=date(2025, 1, 1))
    change = import_fees(uow, FEES_JULY, effective_date=RATE_CHANGE)
    assert (first.rates_read, first.added, first.changed) == (12, 12, 0)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 12)
    assert (change.added, change.unchanged) == (2, 0)
    master = charge_master(uow)
    assert master.rate("99213", date(2025, 6, 30)).charge_amount == Decimal("150.00")  # type: ignore[union-attr]
    assert master.rate("99213", RATE_CHANGE).charge_amount == Decimal("165.00")  # type: ignore[union-attr]
    drug = master.rate("J3301", RATE_CHANGE)
    assert drug is not None and (drug.ndc, drug.ndc_quantity) == ("00003029305", Decimal("0.25"))


def test_encounters_become_stored_draft_claims_with_their_charges_posted(stored) -> None:  # type: ignore[no-untyped-def]
    summary = build_claims(stored, ["enc-knee-0304", "enc-knee-0708"])
    assert [r.claim is not None for r in summary.results] == [True, True]
    march, july = summary.built
    assert (march.patient_control_number, july.patient_control_number) == (
        "B000000001",
        "B000000002",
    )
    assert march.lines[0].charge_amount == Decimal("150.00")
    assert july.lines[0].charge_amount == Decimal("165.00")  # the July rate change
    with stored:
        on_file = stored.claims.get(march.id)
        assert on_file == march and on_file.status is ClaimStatus.DRAFT
        from openrcm.service.ledger import ledger_of

        entries = ledger_of(stored).entries(claim="B000000001")
        assert len(entries) == 1  # the charge
    assert summary.as_json()["total_charge"] == "895.00"  # 440.00 + 455.00


def test_an_encounter_already_billed_is_not_billed_again(stored) -> None:  # type: ignore[no-untyped-def]
    first = build_claims(stored)  # every unbilled encounter: the two visits and the fixture's
    again = build_claims(stored, ["enc-knee-0304"])
    assert len(first.built) == 3
    assert again.built == () and again.results[0].already_built == "B000000002"
    assert build_claims(stored).results == ()  # nothing left unbilled
    with stored:
        assert stored.claims.count() == 3


def test_authorizations_on_file_go_on_the_lines_and_their_units_are_used(stored) -> None:  # type: ignore[no-untyped-def]
    add_authorization(
        stored,
        Authorization(
            id="auth-knee",
            kind=AuthorizationKind.PRIOR_AUTHORIZATION,
            number="PHP-2025-55012",
            patient_id="pat-000417",
            payer_id="87726",
            procedure_codes=("20610",),
            units_authorized=3,
            start_date=date(2025, 1, 1),
            end_date=date(2025, 12, 31),
        ),
    )
    claim = build_claims(stored, ["enc-knee-0304"]).built[0]
    assert claim.lines[1].prior_authorization == "PHP-2025-55012"
    assert claim.lines[0].prior_authorization is None
    assert claim.prior_authorization == "PA-88812"  # the encounter's own number stays
    with stored:
        from openrcm.service.reports import followup_of

        (auth,) = followup_of(stored).authorizations(patient_id="pat-000417")
        assert auth.units_used == 1


def test_a_provider_change_on_file_applies_from_its_date(stored, practice) -> None:  # type: ignore[no-untyped-def]
    with stored:
        SqlProviderChangeRepository(stored.session, stored.tenant_id).add(
            ProviderChange(
                provider_id=practice.billing_provider.id,
                effective_date=date(2025, 6, 1),
                tin="364419902",
            )
        )
        stored.commit()
    march, july = build_claims(stored, ["enc-knee-0304", "enc-knee-0708"]).built
    assert march.billing_provider.tin == "364417285"
    assert july.billing_provider.tin == "364419902"


def test_an_unknown_encounter_cannot_be_billed(stored) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BillingSetupError):
        build_claims(stored, ["enc-nowhere"])


def test_an_encounter_with_a_code_not_in_the_charge_master_builds_nothing(stored) -> None:  # type: ignore[no-untyped-def]
    with stored:
        stored.encounters.add(
            knee_injection_visit(encounter_id="enc-odd", procedures=(ProcedureEntry(code="64483"),))
        )
        stored.commit()
    (result,) = build_claims(stored, ["enc-odd"]).results
    assert result.claim is None and [f.code for f in result.findings] == ["BILL-NO-RATE"]
    with stored:
        assert stored.claims.count() == 0
        assert billing_of(stored).unbilled_encounter_ids() == [
            "enc-2025-0304-0417",
            "enc-knee-0304",
            "enc-odd",
            "enc-knee-0708",
        ]


def test_a_stored_hospital_stay_is_billed_institutional_with_its_drg(stored) -> None:  # type: ignore[no-untyped-def]
    with stored:
        stored.encounters.add(
            knee_injection_visit(
                date(2025, 3, 10),
                encounter_id="enc-adm",
                place_of_service="21",
                diagnoses=(
                    Diagnosis(
                        code="I50.21", kind=DiagnosisKind.PRINCIPAL, present_on_admission="Y"
                    ),
                    Diagnosis(code="J96.01", present_on_admission="Y"),
                ),
                procedures=(ProcedureEntry(code="85025"),),
                prior_authorization=None,
            )
        )
        stored.commit()
    record_details(
        stored,
        EncounterDetails(
            encounter_id="enc-adm",
            institutional=InstitutionalStay(
                setting=Setting.INPATIENT,
                admission_date=date(2025, 3, 10),
                discharge_date=date(2025, 3, 13),
                admission_type="1",
                admission_source="1",
            ),
        ),
    )
    (claim,) = build_claims(stored, ["enc-adm"]).built
    assert claim.kind is ClaimKind.INSTITUTIONAL
    assert (claim.type_of_bill, claim.drg) == ("0111", "291")
    assert [line.revenue_code for line in claim.lines] == ["0120", "0305"]
    assert claim.attending_provider is not None and claim.attending_provider.id == "prv-patel"


def test_ready_claims_are_batched_per_payer_with_new_control_numbers(
    stored, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    built = build_claims(stored, ["enc-knee-0304", "enc-knee-0708"], scrub_context=NO_DATA)
    assert [c.status for c in built.built] == [ClaimStatus.READY, ClaimStatus.READY]
    at = datetime(2025, 7, 20, 15, 0, tzinfo=UTC)
    first = batch_claims(stored, tmp_path, now=at)
    (batch,) = first.files
    assert (batch.payer_id, batch.kind, batch.interchange_control_number) == (
        "87726",
        ClaimKind.PROFESSIONAL,
        1,
    )
    assert batch.claims == ("B000000001", "B000000002")
    assert batch.path.name == "000000001-87726-837P.x12"
    text = batch.path.read_text()
    assert text.startswith("ISA*") and "*000000001*" in text.split("~")[0]
    claims, findings = read_837p(text)
    assert [c.patient_control_number for c in claims] == ["B000000001", "B000000002"]
    assert [f for f in findings if f.is_error] == []
    with stored:
        assert {c.status for c in stored.claims.list()} == {ClaimStatus.SUBMITTED}
        assert [b.interchange_control_number for b in billing_of(stored).batches()] == [1]
    # the next encounter's claim goes out in the next interchange
    build_claims(stored, ["enc-2025-0304-0417"], scrub_context=NO_DATA)
    second = batch_claims(stored, tmp_path, now=at)
    assert [f.interchange_control_number for f in second.files] == [2]
    assert batch_claims(stored, tmp_path, now=at).files == ()
