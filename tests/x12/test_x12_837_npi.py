"""The fast 837 reader's NPI check is the Luhn check of the domain, digit for digit."""

from hypothesis import given
from hypothesis import strategies as st

from openrcm.domain.identifiers import luhn_valid, npi_check_digit
from openrcm.x12.t837_read import _npi_luhn


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_the_npi_luhn_check_agrees_with_the_domain(npi: str) -> None:
    assert _npi_luhn(npi) == luhn_valid("80840" + npi)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_npi_with_its_check_digit_passes(first_nine: str) -> None:
    npi = first_nine + npi_check_digit(first_nine)
    assert _npi_luhn(npi)
    assert not _npi_luhn(first_nine + str((int(npi[-1]) + 1) % 10))
