"""Claims, payer books and an engine for the payer tests: realistic, small, explicit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from openrcm.datadir import find_data_dir
from openrcm.domain import Claim
from openrcm.domain.identifiers import npi_check_digit
from openrcm.payer import Adjudicator, PayerBook, PayerState
from openrcm.pricing import MedicarePfs, load_medicare_pfs

RECEIVED = date(2025, 7, 1)
DAY = date(2025, 6, 2)


def npi(first_nine: str) -> str:
    return first_nine + npi_check_digit(first_nine)


BILLING_NPI = npi("123456789")
IN_NETWORK_NPI = npi("111111111")
OUT_OF_NETWORK_NPI = npi("199999999")


@cache
def pfs() -> MedicarePfs:
    return load_medicare_pfs(find_data_dir() / "cms" / "pfs2025")


def person(
    last: str = "Rivera", first: str = "Ana", born: date = date(1970, 5, 2)
) -> dict[str, Any]:
    return {"name": {"last": last, "first": first}, "birth_date": born, "sex": "F"}


def line(number: int, code: str, charge: str, **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "procedure": code,
        "charge_amount": charge,
        "service_date": extra.pop("day", DAY),
        "place_of_service": extra.pop("pos", "11"),
        **extra,
    }


def claim(
    *lines: dict[str, Any],
    pcn: str = "PCN1",
    member: str = "W100",
    patient: dict[str, Any] | None = None,
    plan: str | None = "PPO",
    payer: str = "60054",
    coverage: dict[str, Any] | None = None,
    rendering: str | None = None,
    **extra: Any,
) -> Claim:
    body = lines or (line(1, "99213", "150.00"),)
    who = patient or person()
    values: dict[str, Any] = {
        "id": pcn,
        "patient_control_number": pcn,
        "total_charge_amount": str(sum(Decimal(item["charge_amount"]) for item in body)),
        "diagnoses": extra.pop("diagnoses", [{"code": "E11.9", "kind": "ABK"}, {"code": "I10"}]),
        "lines": list(body),
        "billing_provider": {
            "id": "bill",
            "npi": BILLING_NPI,
            "entity_type": "2",
            "name": "ELM STREET CLINIC",
            "tin": "361234567",
            "address": {
                "line1": "1 Elm St",
                "city": "Los Angeles",
                "state": "CA",
                "zip_code": "90012",
            },
        },
        "patient": {"id": f"pt-{member}-{who['name']['first']}", **who},
        "coverage": {
            "id": "cov",
            "patient_id": f"pt-{member}",
            "payer_id": payer,
            "plan_id": plan,
            "subscriber": person(),
            "member_id": member,
            "effective_date": date(2025, 1, 1),
            **(coverage or {}),
        },
        "payer": {"id": payer, "name": "PRAIRIE HEALTH"},
        **extra,
    }
    if rendering:
        values["rendering_provider"] = {
            "id": "rend",
            "npi": rendering,
            "entity_type": "1",
            "name": "SMITH",
            "first_name": "JO",
        }
    return Claim.model_validate(values)


def book(**changes: Any) -> PayerBook:
    """A commercial payer (125% of Medicare, fixed fees for a few codes) with a PPO and an HMO."""
    payer: dict[str, Any] = {
        "id": "60054",
        "name": "PRAIRIE HEALTH",
        "timely_filing_days": 90,
        "address": {"line1": "1 Plan Way", "city": "Hartford", "state": "CT", "zip_code": "06101"},
        "contact_phone": "8005550100",
        "contract": {
            "id": "C1",
            "terms": [
                {
                    "effective_date": date(2025, 1, 1),
                    "percent_of_medicare": "1.25",
                    "percent_of_charge": "0.50",
                    "fees": {"20610": "300.00", "97110": "40.00"},
                }
            ],
        },
        "network_npis": [BILLING_NPI, IN_NETWORK_NPI],
        "bundling_pairs": [
            {"column1": "99214", "column2": "99211", "modifier_indicator": "0"},
            {"column1": "20610", "column2": "20604", "modifier_indicator": "1"},
        ],
        "medical_necessity": [{"id": "A1C", "codes": ["83036"], "diagnoses": ["E11", "R73"]}],
        "crossover": [{"payer_id": "GAP1", "name": "MEDIGAP ONE"}],
    }
    ppo: dict[str, Any] = {
        "id": "PPO",
        "payer_id": "60054",
        "name": "Prairie PPO",
        "network_type": "PPO",
        "deductible": {
            "individual": {"in_network": "500.00", "out_of_network": "1000.00"},
            "family": {"in_network": "1000.00", "out_of_network": "2000.00"},
        },
        "out_of_pocket_max": {
            "individual": {"in_network": "1000.00", "out_of_network": "4000.00"},
            "family": {"in_network": "2000.00", "out_of_network": "8000.00"},
        },
        "coinsurance": {"in_network": "0.20", "out_of_network": "0.40"},
        "excluded": ["15780-15787"],
        "prior_authorization": ["27447"],
        "categories": [
            {
                "id": "office_visit",
                "codes": ["99202-99215"],
                "places_of_service": ["11"],
                "copay": "25.00",
                "deductible_applies": False,
                "coinsurance": "0",
            },
            {"id": "physical_therapy", "codes": ["97110-97546"], "visit_limit": 2},
            {"id": "advanced_imaging", "codes": ["70551-70553"], "prior_authorization": True},
        ],
    }
    hmo: dict[str, Any] = {
        "id": "HMO",
        "payer_id": "60054",
        "name": "Prairie HMO",
        "network_type": "HMO",
        "referral_required": True,
        "deductible": {"individual": {"in_network": "0.00"}},
        "coinsurance": {"in_network": "0.10"},
        "categories": [
            {
                "id": "primary_care",
                "codes": ["99202-99215"],
                "copay": "20.00",
                "deductible_applies": False,
                "coinsurance": "0",
                "referral_required": False,
            }
        ],
    }
    payer.update(changes.pop("payer", {}))
    values = {"payers": [payer], "plans": [ppo, hmo], **changes}
    return PayerBook.model_validate(values)


def engine(payer_book: PayerBook | None = None, state: PayerState | None = None) -> Adjudicator:
    return Adjudicator(payer_book or book(), [pfs()], state=state)


def adjustments(payment: Any) -> set[tuple[str, str, Decimal]]:
    """(group, CARC, amount) of every adjustment on every line of a claim payment."""
    return {(a.group, a.reason, a.amount) for s in payment.lines for a in s.adjustments}


def carcs(payment: Any) -> set[str]:
    return {a.reason for s in payment.lines for a in s.adjustments}
