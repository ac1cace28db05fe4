"""Money is Decimal end to end, rounded half-up to cents only where we say so."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from openrcm.domain import CENT, Money, allocate, format_money, to_money


class Charge(BaseModel):
    amount: Money


def test_money_serialises_as_a_string_with_two_decimals() -> None:
    assert Charge(amount="125").model_dump_json() == '{"amount":"125.00"}'
    assert Charge(amount=Decimal("0.5")).model_dump(mode="json") == {"amount": "0.50"}


def test_money_with_more_than_two_places_is_refused() -> None:
    with pytest.raises(ValueError):
        Charge(amount="10.005")


def test_half_up_rounding_at_the_cent() -> None:
    assert to_money(Decimal("2.675")) == Decimal("2.68")
    assert to_money(Decimal("-2.675")) == Decimal("-2.68")
    assert format_money(Decimal("7")) == "7.00"


def test_to_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        to_money(0.1)  # type: ignore[arg-type]


@given(st.decimals(0, 10**6, places=2), st.lists(st.integers(1, 10**4), min_size=1, max_size=30))
def test_allocation_spreads_a_payment_to_the_cent(total: Decimal, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts, Decimal(0)) == total
    assert all(part >= 0 and part == part.quantize(CENT) for part in parts)


@given(
    st.decimals(-(10**5), 10**5, places=2), st.lists(st.integers(1, 100), min_size=1, max_size=8)
)
def test_allocation_of_negative_amounts_sums_exactly(total: Decimal, weights: list[int]) -> None:
    assert sum(allocate(total, weights), Decimal(0)) == total


def test_allocation_follows_the_weights() -> None:
    assert allocate(Decimal("100.00"), [1, 1, 1]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert allocate(Decimal("90.00"), [2, 1]) == [Decimal("60.00"), Decimal("30.00")]
