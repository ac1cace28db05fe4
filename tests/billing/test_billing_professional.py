"""Professional claims built from encounters: charges in force on the date of service,
diagnosis order and pointers, modifiers, NDC, prior auth, COB, frequency, provider changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from billing_testkit import RATE_CHANGE, charge_master, knee_injection_visit, parties
from hypothesis import given
from hypothesis import strategies as st

from openrcm.billing import (
    PriorAdjudication,
    build_professional_claim,
    claim_diagnoses,
    line_pointers,
)
from openrcm.domain import (
    Adjustment,
    CoveragePriority,
    Diagnosis,
    DiagnosisKind,
    LineAdjudication,
    ProcedureEntry,
)
from openrcm.domain.provider_change import ProviderChange


def build(practice, encounter, **options):  # type: ignore[no-untyped-def]
    return build_professional_claim(
        encounter,
        options.pop("parties", None) or parties(practice),
        options.pop("master", None) or charge_master(),
        claim_id=f"clm-{encounter.id}",
        patient_control_number=f"P{encounter.id[-8:]}",
        **options,
    )


def test_a_visit_with_a_procedure_is_priced_from_the_charge_master(practice) -> None:  # type: ignore[no-untyped-def]
    built = build(practice, knee_injection_visit(date(2025, 3, 4)))
    claim = built.claim
    assert claim is not None and not built.has_errors
    assert [(line.procedure, line.modifiers, line.charge_amount) for line in claim.lines] == [
        ("99213", ("25",), Decimal("150.00")),
        ("20610", ("RT",), Decimal("240.00")),
        ("J3301", (), Decimal("50.00")),  # 4 units of 10 mg at 12.50
    ]
    assert claim.total_charge_amount == Decimal("440.00")
    assert claim.place_of_service == "11" and claim.lines[0].place_of_service == "11"
    assert claim.payer.id == "87726" and claim.coverage.priority is CoveragePriority.PRIMARY
    assert claim.rendering_provider is not None and claim.rendering_provider.id == "prv-patel"


def test_a_rate_change_applies_only_from_its_effective_date(practice) -> None:  # type: ignore[no-untyped-def]
    before = build(practice, knee_injection_visit(date(2025, 6, 30)))
    after = build(practice, knee_injection_visit(RATE_CHANGE))
    assert before.claim is not None and after.claim is not None
    assert before.claim.lines[0].charge_amount == Decimal("150.00")
    assert after.claim.lines[0].charge_amount == Decimal("165.00")
    # the injection's rate did not change mid-year
    assert before.claim.lines[1].charge_amount == after.claim.lines[1].charge_amount


def test_the_principal_diagnosis_goes_first_and_pointers_follow_it(practice) -> None:  # type: ignore[no-untyped-def]
    claim = build(practice, knee_injection_visit()).claim
    assert claim is not None
    assert [(d.code, d.kind) for d in claim.diagnoses] == [
        ("M1711", DiagnosisKind.PRINCIPAL),
        ("E119", DiagnosisKind.OTHER),
        ("I10", DiagnosisKind.OTHER),
    ]
    # the visit pointed at diabetes and hypertension, the injection and drug at the knee
    assert [line.diagnosis_pointers for line in claim.lines] == [(2, 3), (1,), (1,)]


def test_modifier_25_is_kept_and_pricing_modifiers_go_first(practice) -> None:  # type: ignore[no-untyped-def]
    encounter = knee_injection_visit(
        procedures=(
            ProcedureEntry(code="99214", modifiers=("25",), diagnosis_pointers=(1,)),
            ProcedureEntry(code="93000", modifiers=("59", "26"), diagnosis_pointers=(3,)),
        )
    )
    claim = build(practice, encounter).claim
    assert claim is not None
    assert claim.lines[0].modifiers == ("25",)
    assert claim.lines[1].modifiers == ("26", "59")
    assert claim.lines[1].charge_amount == Decimal("30.00")  # the professional component's rate


def test_a_drug_line_carries_its_ndc_and_the_quantity_its_units_hold(practice) -> None:  # type: ignore[no-untyped-def]
    claim = build(practice, knee_injection_visit()).claim
    assert claim is not None
    drug = claim.lines[2]
    assert drug.ndc == "00003029305"  # 0003-0293-05 in the 5-4-2 form
    assert (drug.ndc_quantity, drug.ndc_unit) == (Decimal(1), "ML")  # 4 x 0.25 mL
    assert claim.lines[0].ndc is None


def test_a_drug_without_an_ndc_anywhere_is_flagged(practice) -> None:  # type: ignore[no-untyped-def]
    encounter = knee_injection_visit(
        procedures=(ProcedureEntry(code="J1100", units=Decimal(2), diagnosis_pointers=(2,)),)
    )
    built = build(practice, encounter)
    assert built.claim is not None and built.claim.lines[0].ndc is None
    assert [(f.code, f.line) for f in built.findings] == [("BILL-NDC-MISSING", 1)]


def test_the_prior_authorization_number_goes_on_the_claim(practice) -> None:  # type: ignore[no-untyped-def]
    claim = build(practice, knee_injection_visit()).claim
    assert claim is not None and claim.prior_authorization == "PA-88812"


def test_a_code_without_a_rate_on_the_date_of_service_stops_the_claim(practice) -> None:  # type: ignore[no-untyped-def]
    encounter = knee_injection_visit(
        date(2024, 12, 31)  # before the charge master's first rates
    )
    built = build(practice, encounter)
    assert built.claim is None
    assert {(f.code, f.line) for f in built.findings} == {
        ("BILL-NO-RATE", 1),
        ("BILL-NO-RATE", 2),
        ("BILL-NO-RATE", 3),
    }


def test_the_primary_claim_names_the_secondary_payer_without_a_decision(practice) -> None:  # type: ignore[no-untyped-def]
    claim = build(practice, knee_injection_visit()).claim
    assert claim is not None
    (other,) = claim.other_payers
    assert (other.payer.id, other.priority, other.member_id) == ("00621", "S", "LMU-55120-02")
    assert other.paid_amount is None and other.adjudication_date is None


def test_a_secondary_claim_carries_the_primary_payers_decision(practice) -> None:  # type: ignore[no-untyped-def]
    primary = PriorAdjudication(
        payer_id="87726",
        paid_amount=Decimal("251.20"),
        adjustments=(Adjustment(group="CO", reason="45", amount=Decimal("125.00")),),
        adjudication_date=date(2025, 3, 28),
        payer_claim_control_number="2025087000123",
        lines=(
            LineAdjudication(
                payer_id="87726",
                paid_amount=Decimal("140.00"),
                procedure="20610",
                modifiers=("RT",),
                adjustments=(
                    Adjustment(group="CO", reason="45", amount=Decimal("60.00")),
                    Adjustment(group="PR", reason="2", amount=Decimal("40.00")),
                ),
                adjudication_date=date(2025, 3, 28),
            ),
        ),
    )
    built = build(
        practice, knee_injection_visit(), priority=CoveragePriority.SECONDARY, prior=[primary]
    )
    claim = built.claim
    assert claim is not None and not built.has_errors
    assert claim.payer.id == "00621" and claim.coverage.priority is CoveragePriority.SECONDARY
    (other,) = claim.other_payers
    assert (other.payer.id, other.priority) == ("87726", "P")
    assert other.paid_amount == Decimal("251.20")
    assert other.adjudication_date == date(2025, 3, 28)
    assert other.payer_claim_control_number == "2025087000123"
    assert [a.reason for a in other.adjustments] == ["45"]
    assert [len(line.adjudications) for line in claim.lines] == [0, 1, 0]
    assert claim.lines[1].adjudications[0].paid_amount == Decimal("140.00")


def test_a_secondary_claim_waits_for_the_primary_payers_decision(practice) -> None:  # type: ignore[no-untyped-def]
    built = build(practice, knee_injection_visit(), priority=CoveragePriority.SECONDARY)
    assert built.claim is None
    assert [f.code for f in built.findings] == ["BILL-COB-PRIOR-MISSING"]


def test_no_coverage_in_force_means_no_claim(practice) -> None:  # type: ignore[no-untyped-def]
    built = build(practice, knee_injection_visit(date(2026, 1, 5)))  # primary ended 2025-12-31
    assert built.claim is None
    assert [f.code for f in built.findings] == ["BILL-NO-COVERAGE"]


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_a_replacement_or_void_carries_the_payers_claim_number(practice, frequency) -> None:  # type: ignore[no-untyped-def]
    built = build(
        practice,
        knee_injection_visit(),
        frequency_code=frequency,
        payer_claim_control_number="2025087000123",
    )
    assert built.claim is not None
    assert built.claim.frequency_code == frequency
    assert built.claim.payer_claim_control_number == "2025087000123"


def test_a_replacement_without_the_payers_claim_number_is_not_built(practice) -> None:  # type: ignore[no-untyped-def]
    built = build(practice, knee_injection_visit(), frequency_code="7")
    assert built.claim is None
    assert [f.code for f in built.findings] == ["BILL-FREQUENCY-ICN-MISSING"]


def test_an_original_claim_is_frequency_1_without_a_claim_number(practice) -> None:  # type: ignore[no-untyped-def]
    built = build(practice, knee_injection_visit(), payer_claim_control_number="X1")
    assert built.claim is not None
    assert (built.claim.frequency_code, built.claim.payer_claim_control_number) == ("1", None)
    assert [f.code for f in built.findings] == ["BILL-FREQUENCY-ICN-IGNORED"]


def test_a_provider_change_applies_to_services_on_or_after_its_date(practice) -> None:  # type: ignore[no-untyped-def]
    moved = practice.billing_provider.address.model_copy(
        update={"line1": "2200 N Lincoln Ave", "line2": None, "zip_code": "606143321"}
    )
    change = ProviderChange(
        provider_id=practice.billing_provider.id,
        effective_date=date(2025, 6, 1),
        tin="364419902",
        address=moved,
    )
    with_change = parties(practice, provider_changes=(change,))
    before = build(practice, knee_injection_visit(date(2025, 5, 30)), parties=with_change).claim
    after = build(practice, knee_injection_visit(date(2025, 6, 1)), parties=with_change).claim
    assert before is not None and after is not None
    assert before.billing_provider.tin == "364417285"
    assert after.billing_provider.tin == "364419902"
    assert after.billing_provider.address == moved


def test_more_than_twelve_diagnoses_keep_the_ones_lines_point_at(practice) -> None:  # type: ignore[no-untyped-def]
    codes = ["E11.9", "I10", "E78.5", "K21.9", "J45.909", "F41.1", "G47.33", "M54.50",
             "E66.9", "N18.30", "R73.03", "Z79.4", "M17.11", "E55.9"]  # fmt: skip
    diagnoses = tuple(Diagnosis(code=c) for c in codes)
    encounter = knee_injection_visit(
        diagnoses=diagnoses,
        procedures=(
            ProcedureEntry(code="99214", modifiers=("25",), diagnosis_pointers=(1, 2)),
            ProcedureEntry(code="20610", modifiers=("RT",), diagnosis_pointers=(13,)),
        ),
    )
    built = build(practice, encounter)
    claim = built.claim
    assert claim is not None
    assert len(claim.diagnoses) == 12
    assert claim.diagnoses[claim.lines[1].diagnosis_pointers[0] - 1].code == "M1711"
    assert "E559" not in {d.code for d in claim.diagnoses}
    assert [(f.code, f.severity.value) for f in built.findings] == [("BILL-DX-LIMIT", "warning")]


@given(
    codes=st.lists(
        st.sampled_from(["E119", "I10", "M1711", "E785", "J45909", "R0789"]), min_size=1, max_size=8
    ),
    pointers=st.lists(st.integers(1, 10), min_size=0, max_size=6),
)
def test_line_pointers_always_point_at_claim_diagnoses(
    codes: list[str], pointers: list[int]
) -> None:
    diagnoses = tuple(Diagnosis(code=c) for c in codes)
    ordered, mapping, _ = claim_diagnoses(diagnoses, pointed=pointers)
    result, _ = line_pointers(pointers, mapping, line=1)
    assert 1 <= len(result) <= 4
    assert len(set(result)) == len(result)
    assert all(1 <= p <= len(ordered) for p in result)
    for pointer in pointers:
        if pointer <= len(codes) and mapping[pointer] in result:
            assert ordered[mapping[pointer] - 1].code == codes[pointer - 1]
