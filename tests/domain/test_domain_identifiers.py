"""Domain records reject bad input with field-level errors."""

from datetime import date

import pytest
from pydantic import ValidationError

from openrcm.domain import Address, Coverage, Patient, PersonName, Provider, ServiceLine
from openrcm.domain.identifiers import luhn_valid, npi_check_digit

# CMS's worked example: 123456789 with prefix 80840 has check digit 3.
VALID_NPI = "1234567893"


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in exc.value.errors()}


def address(**overrides: str) -> Address:
    values = {
        "line1": "400 Elm Street",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "627011234",
    }
    values.update(overrides)
    return Address(**values)


def test_the_cms_example_npi_check_digit_is_3() -> None:
    assert npi_check_digit("123456789") == "3"
    assert luhn_valid("80840" + VALID_NPI)


def test_a_provider_with_a_wrong_npi_check_digit_is_refused_on_the_npi_field() -> None:
    with pytest.raises(ValidationError) as exc:
        Provider(id="p", npi="1234567890", entity_type="2", name="Elm Clinic")
    assert field_errors(exc) == {"npi"}
    assert "check digit" in str(exc.value)


@pytest.mark.parametrize("npi", ["123456789", "12345678934", "A234567893", "3234567891"])
def test_npis_of_the_wrong_shape_are_refused(npi: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Provider(id="p", npi=npi, entity_type="2", name="Elm Clinic")
    assert field_errors(exc) == {"npi"}


@pytest.mark.parametrize("tin", ["12-345678", "1234567890", "AB-3456789", "111111111"])
def test_malformed_tins_are_refused(tin: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Provider(id="p", npi=VALID_NPI, entity_type="2", name="Elm Clinic", tin=tin)
    assert field_errors(exc) == {"tin"}


def test_an_ein_with_a_dash_is_stored_as_nine_digits() -> None:
    provider = Provider(id="p", npi=VALID_NPI, entity_type="2", name="Elm Clinic", tin="36-1234567")
    assert provider.tin == "361234567"


@pytest.mark.parametrize("zip_code", ["6270", "627011", "62701-123", "ABCDE", "6270112345"])
def test_zip_codes_must_be_five_or_nine_digits(zip_code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        address(zip_code=zip_code)
    assert field_errors(exc) == {"zip_code"}


@pytest.mark.parametrize("zip_code", ["62701", "62701-1234", "627011234"])
def test_five_and_nine_digit_zip_codes_are_accepted(zip_code: str) -> None:
    assert address(zip_code=zip_code).zip_code == zip_code.replace("-", "")


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        address(state="XX")
    assert field_errors(exc) == {"state"}


def test_a_po_box_is_recognised() -> None:
    assert address(line1="P.O. Box 1200").is_po_box
    assert not address(line1="1200 Boxwood Lane").is_po_box


@pytest.mark.parametrize("units", ["0", "-1", "-0.5"])
def test_units_must_be_positive(units: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ServiceLine(
            number=1,
            procedure="99213",
            charge_amount="100.00",
            units=units,
            service_date=date(2025, 3, 1),
        )
    assert field_errors(exc) == {"units"}


def test_floats_are_refused_for_money_and_units() -> None:
    with pytest.raises(ValidationError) as exc:
        ServiceLine(
            number=1,
            procedure="99213",
            charge_amount=0.1 + 0.2,
            units=1.5,
            service_date=date(2025, 3, 1),
        )
    assert field_errors(exc) == {"charge_amount", "units"}


def test_a_line_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="before it starts"):
        ServiceLine(
            number=1,
            procedure="97110",
            charge_amount="80.00",
            service_date=date(2025, 3, 5),
            service_date_end=date(2025, 3, 1),
        )


def test_coverage_that_ends_before_it_starts_is_refused() -> None:
    subscriber = {
        "name": PersonName(last="Rivera", first="Ana"),
        "birth_date": date(1970, 5, 2),
        "sex": "F",
    }
    with pytest.raises(ValidationError, match="before it starts"):
        Coverage(
            id="c",
            patient_id="pt",
            payer_id="87726",
            subscriber=subscriber,
            member_id="W123456789",
            effective_date=date(2025, 1, 1),
            termination_date=date(2024, 12, 31),
        )


def test_an_individual_provider_needs_a_first_name() -> None:
    with pytest.raises(ValidationError, match="first name"):
        Provider(id="p", npi=VALID_NPI, entity_type="1", name="Okafor")


def test_a_patient_name_is_required_field_by_field() -> None:
    with pytest.raises(ValidationError) as exc:
        Patient(id="pt", name={"last": "", "first": "Ana"}, birth_date=date(1970, 5, 2), sex="X")
    assert field_errors(exc) == {"name.last", "sex"}
