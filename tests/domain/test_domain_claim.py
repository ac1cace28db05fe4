"""A claim is consistent when built: numbered lines, pointers in range, dates in order."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from openrcm.domain import Claim, ClaimStatus, IllegalTransition

NPI = "1234567893"


def claim(**overrides: Any) -> Claim:
    person = {
        "name": {"last": "Rivera", "first": "Ana"},
        "birth_date": date(1970, 5, 2),
        "sex": "F",
    }
    values: dict[str, Any] = {
        "id": "c1",
        "patient_control_number": "ACC1001",
        "total_charge_amount": "205.00",
        "diagnoses": [{"code": "E11.40", "kind": "ABK"}, {"code": "I10"}],
        "lines": [
            {
                "number": 1,
                "procedure": "99214",
                "modifiers": ["25"],
                "charge_amount": "150.00",
                "service_date": date(2025, 3, 4),
                "diagnosis_pointers": [1, 2],
            },
            {
                "number": 2,
                "procedure": "82947",
                "charge_amount": "55.00",
                "service_date": date(2025, 3, 4),
                "diagnosis_pointers": [1],
            },
        ],
        "billing_provider": {
            "id": "b",
            "npi": NPI,
            "entity_type": "2",
            "name": "Elm Clinic",
            "tin": "361234567",
        },
        "patient": {"id": "pt", **person},
        "coverage": {
            "id": "cov",
            "patient_id": "pt",
            "payer_id": "87726",
            "subscriber": person,
            "member_id": "W123456789",
            "effective_date": date(2025, 1, 1),
        },
        "payer": {"id": "87726", "name": "Prairie Health Plan"},
    }
    values.update(overrides)
    return Claim.model_validate(values)


def test_a_realistic_claim_is_built_and_totals_its_lines() -> None:
    built = claim()
    assert built.lines_total == Decimal("205.00") == built.total_charge_amount
    assert built.diagnoses[0].code == "E1140" and built.diagnoses[0].dotted == "E11.40"
    assert built.first_service_date == date(2025, 3, 4)


def test_a_pointer_beyond_the_diagnoses_is_refused() -> None:
    lines = [
        {
            "number": 1,
            "procedure": "99213",
            "charge_amount": "90.00",
            "service_date": date(2025, 3, 4),
            "diagnosis_pointers": [3],
        }
    ]
    with pytest.raises(ValidationError, match="points at diagnosis 3"):
        claim(lines=lines, total_charge_amount="90.00")


def test_lines_must_be_numbered_in_order() -> None:
    lines = [
        {
            "number": 2,
            "procedure": "99213",
            "charge_amount": "90.00",
            "service_date": date(2025, 3, 4),
        }
    ]
    with pytest.raises(ValidationError, match="numbered"):
        claim(lines=lines)


def test_a_service_before_the_patient_was_born_is_refused() -> None:
    patient = {
        "id": "pt",
        "name": {"last": "Rivera", "first": "Ana"},
        "birth_date": date(2025, 6, 1),
        "sex": "F",
    }
    with pytest.raises(ValidationError, match="born"):
        claim(patient=patient)


def test_a_replacement_claim_needs_the_payer_claim_number() -> None:
    with pytest.raises(ValidationError, match="control number"):
        claim(frequency_code="7")
    assert (
        claim(frequency_code="7", payer_claim_control_number="2025063000123").frequency_code == "7"
    )


def test_more_than_twelve_diagnoses_on_a_professional_claim_is_refused() -> None:
    codes = [
        "E119",
        "I10",
        "E785",
        "J449",
        "N183",
        "K219",
        "M545",
        "F329",
        "G4733",
        "E669",
        "Z794",
        "R0602",
        "R51",
    ]
    with pytest.raises(ValidationError, match="at most 12"):
        claim(diagnoses=[{"code": c} for c in codes])


def test_the_claim_moves_through_its_lifecycle_and_refuses_shortcuts() -> None:
    sent = claim().moved_to(ClaimStatus.READY).moved_to(ClaimStatus.SUBMITTED)
    assert sent.status is ClaimStatus.SUBMITTED
    with pytest.raises(IllegalTransition):
        claim().moved_to(ClaimStatus.SUBMITTED)


def test_claims_are_frozen() -> None:
    built = claim()
    with pytest.raises(ValidationError):
        built.patient_control_number = "X"  # type: ignore[misc]
