"""A practice's charge master and encounters for the billing tests, on the `practice` fixture's
parties (tests/conftest.py): Grace Okafor, primary Prairie Health Plan, secondary Lakeshore
Mutual, billed by Northside Family Practice with Dr Nisha Patel rendering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from openrcm.billing import ChargeMaster, ClaimParties, read_charge_csv
from openrcm.domain import Diagnosis, DiagnosisKind, Encounter, ProcedureEntry

# what the practice charges from Jan 1, and the mid-year change from Jul 1
FEES_2025 = """code,modifier,charge,revenue_code,ndc,ndc_quantity,ndc_unit
99213,,150.00,,,,
99214,,215.00,,,,
20610,,240.00,,,,
36415,,18.00,,,,
82947,,22.00,,,,
93000,,75.00,,,,
93000,26,30.00,,,,
J3301,,12.50,0636,0003-0293-05,0.25,ML
J1100,,9.00,0636,,,
0120,,2150.00,0120,,,
85025,,45.00,0305,,,
71046,,260.00,0324,,,
"""
FEES_JULY = """code,charge
99213,165.00
99214,236.00
"""
RATE_CHANGE = date(2025, 7, 1)


def charge_master() -> ChargeMaster:
    base, problems = read_charge_csv(FEES_2025, effective_date=date(2025, 1, 1))
    july, more = read_charge_csv(FEES_JULY, effective_date=RATE_CHANGE)
    assert problems == () and more == ()
    return ChargeMaster(base).with_rates(july)


def parties(practice: Any, **changes: Any) -> ClaimParties:
    fields: dict[str, Any] = {
        "patient": practice.patient,
        "coverages": (practice.coverage, practice.secondary_coverage),
        "payers": {p.id: p for p in (practice.payer, practice.secondary_payer)},
        "billing_provider": practice.billing_provider,
        "rendering_provider": practice.rendering_provider,
    }
    return ClaimParties(**{**fields, **changes})


def knee_injection_visit(
    day: date = date(2025, 3, 4), *, encounter_id: str = "enc-knee", **changes: Any
) -> Encounter:
    """An established-patient visit for diabetes with a steroid injection of the right knee:
    the visit (25, a separate E/M on the day of a minor procedure), the injection and the
    drug. The coder listed diabetes first and marked the knee arthritis principal."""
    fields: dict[str, Any] = {
        "id": encounter_id,
        "patient_id": "pat-000417",
        "provider_id": "prv-patel",
        "location_id": "loc-clark",
        "service_date": day,
        "place_of_service": "11",
        "diagnoses": (
            Diagnosis(code="E11.9"),
            Diagnosis(code="M17.11", kind=DiagnosisKind.PRINCIPAL),
            Diagnosis(code="I10"),
        ),
        "procedures": (
            ProcedureEntry(code="99213", modifiers=("25",), diagnosis_pointers=(1, 3)),
            ProcedureEntry(code="20610", modifiers=("RT",), diagnosis_pointers=(2,)),
            ProcedureEntry(code="J3301", units=Decimal(4), diagnosis_pointers=(2,)),
        ),
        "prior_authorization": "PA-88812",
    }
    return Encounter(**{**fields, **changes})


def store_visits(uow: Any, practice: Any) -> Any:
    """Store the practice, two knee-injection visits (March, and July after the rate change)
    and the charge master; returns the unit of work."""
    from openrcm.service.billing import import_fees

    with uow:
        practice.store(uow)
        uow.encounters.add(knee_injection_visit(date(2025, 3, 4), encounter_id="enc-knee-0304"))
        uow.encounters.add(knee_injection_visit(date(2025, 7, 8), encounter_id="enc-knee-0708"))
        uow.commit()
    import_fees(uow, FEES_2025, effective_date=date(2025, 1, 1))
    import_fees(uow, FEES_JULY, effective_date=RATE_CHANGE)
    return uow
