"""Trusted construction builds the very record full validation builds, and refuses wrong fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrcm.domain import Adjustment, ServiceLine
from openrcm.domain.trusted import trusted_builder

LINE = trusted_builder(ServiceLine)
ADJUSTMENT = trusted_builder(Adjustment)

cents = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
lines = st.fixed_dictionaries(
    {
        "number": st.integers(1, 999),
        "procedure": st.sampled_from(["99213", "J3420", "97110", "G0439"]),
        "charge_amount": cents,
        "service_date": st.dates(date(2020, 1, 1), date(2026, 12, 31)),
    },
    optional={
        "modifiers": st.lists(
            st.sampled_from(["25", "59", "RT", "LT", "XS"]), max_size=4, unique=True
        ).map(tuple),
        "units": st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999"), places=3),
        "place_of_service": st.sampled_from(["11", "22", "02"]),
        "diagnosis_pointers": st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True).map(
            tuple
        ),
        "prior_authorization": st.sampled_from(["AUTH1", "X-99"]),
    },
)


@given(lines)
def test_a_trusted_line_equals_the_validated_line(values: dict) -> None:  # type: ignore[type-arg]
    validated = ServiceLine(**values)
    trusted = LINE(values)
    assert trusted == validated
    assert repr(trusted) == repr(validated)
    assert trusted.model_fields_set == validated.model_fields_set
    assert trusted.model_dump(mode="json") == validated.model_dump(mode="json")
    assert hash(trusted) == hash(validated)


def test_defaults_fill_the_fields_left_out_in_declaration_order() -> None:
    adjustment = ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal("12.50")})
    assert list(adjustment.__dict__) == list(Adjustment.model_fields)
    assert adjustment.quantity is None
    assert adjustment == Adjustment(group="CO", reason="45", amount=Decimal("12.50"))


def test_a_missing_required_field_or_an_unknown_field_is_a_programmer_error() -> None:
    with pytest.raises(TypeError, match="missing"):
        ADJUSTMENT({"group": "CO", "reason": "45"})
    with pytest.raises(TypeError, match="unknown"):
        ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal(1), "colour": "red"})


def test_the_record_stays_frozen() -> None:
    adjustment = ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal("1.00")})
    with pytest.raises(Exception, match="frozen"):
        adjustment.reason = "97"  # type: ignore[misc]
