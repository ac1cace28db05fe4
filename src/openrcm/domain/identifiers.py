"""Identifiers that carry their own check: NPI, TIN/EIN, ZIP code, US state.

Each is a pydantic `Annotated` type so a model field validates once when it is built and
reports a field-level error that names the field and says what is wrong.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
        "UM",
        "FM",
        "MH",
        "PW",
        "AA",
        "AE",
        "AP",
    ]
)

# IRS campus prefixes never assigned to an EIN.
_INVALID_EIN_PREFIXES = frozenset(
    {
        "00",
        "07",
        "08",
        "09",
        "17",
        "18",
        "19",
        "28",
        "29",
        "49",
        "69",
        "70",
        "78",
        "79",
        "89",
        "96",
        "97",
    }
)


def luhn_valid(digits: str) -> bool:
    """The Luhn mod-10 check used by card numbers and, with prefix 80840, by NPIs."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def npi_check_digit(first_nine: str) -> str:
    """The tenth digit that makes `first_nine` a valid NPI."""
    for candidate in "0123456789":
        if luhn_valid("80840" + first_nine + candidate):
            return candidate
    raise AssertionError("unreachable: one Luhn digit always fits")


def check_npi(npi: str) -> str:
    """NPI: National Provider Identifier, ten digits, the last a Luhn check over 80840 + 9."""
    if not re.fullmatch(r"\d{10}", npi):
        raise ValueError(f"{npi!r} is not an NPI: an NPI is exactly 10 digits")
    if npi[0] not in "12":
        raise ValueError(f"{npi} is not an NPI: an NPI starts with 1 or 2")
    if not luhn_valid("80840" + npi):
        raise ValueError(f"{npi} is not an NPI: its check digit is wrong")
    return npi


def _strip_separators(value: object) -> object:
    if isinstance(value, str):
        return value.strip().replace("-", "").replace(" ", "")
    return value


def check_tin(tin: str) -> str:
    """TIN: Taxpayer Identification Number (EIN or SSN), nine digits."""
    if not re.fullmatch(r"\d{9}", tin):
        raise ValueError(f"{tin!r} is not a TIN: a TIN is 9 digits (EIN NN-NNNNNNN or SSN)")
    if len(set(tin)) == 1:
        raise ValueError(f"{tin} is not a TIN: all its digits are the same")
    return tin


def check_ein(ein: str) -> str:
    """EIN: Employer Identification Number, a TIN whose prefix the IRS assigns."""
    check_tin(ein)
    if ein[:2] in _INVALID_EIN_PREFIXES:
        raise ValueError(f"{ein} is not an EIN: no EIN starts with {ein[:2]}")
    return ein


def check_zip(zip_code: str) -> str:
    """US ZIP code: 5 digits, or 9 for ZIP+4 (the 837 wants 9 for billing providers)."""
    if not re.fullmatch(r"\d{5}(\d{4})?", zip_code):
        raise ValueError(f"{zip_code!r} is not a ZIP code: a ZIP code is 5 or 9 digits")
    return zip_code


def check_state(state: str) -> str:
    """A US state, territory or military postal code, two capital letters."""
    if state not in US_STATES:
        raise ValueError(f"{state!r} is not a US state or territory postal code")
    return state


NPI = Annotated[str, BeforeValidator(_strip_separators), AfterValidator(check_npi)]
TIN = Annotated[str, BeforeValidator(_strip_separators), AfterValidator(check_tin)]
ZipCode = Annotated[str, BeforeValidator(_strip_separators), AfterValidator(check_zip)]
StateCode = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
    AfterValidator(check_state),
]
