"""Trusted construction builds the very record full validation builds, and refuses wrong fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openrcm.domain import Adjustment, ServiceLine
from openrcm.domain.trusted import trusted_builder, trusted_call

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


LINE_KEYS = tuple(ServiceLine.model_fields)
LINE_CALL = trusted_call(ServiceLine, LINE_KEYS)  # every field, all of them given


@given(lines)
def test_a_line_built_from_arguments_equals_the_validated_line(values: dict) -> None:  # type: ignore[type-arg]
    validated = ServiceLine(**values)
    given_keys = tuple(key for key in LINE_KEYS if key in values)
    make = trusted_call(ServiceLine, LINE_KEYS, given_keys)
    defaults = {key: info.default for key, info in ServiceLine.model_fields.items()}
    by_position = make(*[values.get(key, defaults[key]) for key in LINE_KEYS])
    by_name = make(**{key: values.get(key, defaults[key]) for key in LINE_KEYS})
    for trusted in (by_position, by_name):
        assert trusted == validated
        assert repr(trusted) == repr(validated)
        assert list(trusted.__dict__) == list(validated.__dict__)
        assert trusted.model_fields_set == validated.model_fields_set
        assert trusted.model_dump(mode="json") == validated.model_dump(mode="json")
        assert hash(trusted) == hash(validated)


def test_arguments_fill_the_fields_left_out_with_their_defaults() -> None:
    make = trusted_call(Adjustment, ("reason", "group", "amount"))
    adjustment = make("45", "CO", Decimal("12.50"))
    assert list(adjustment.__dict__) == list(Adjustment.model_fields)
    assert adjustment == Adjustment(group="CO", reason="45", amount=Decimal("12.50"))
    assert adjustment.model_fields_set == {"group", "reason", "amount"}
    every = LINE_CALL(*[f"v{k}" for k in range(len(LINE_KEYS))])
    assert every.model_fields_set == set(LINE_KEYS)


def test_a_builder_from_arguments_refuses_wrong_keys_and_mutable_records() -> None:
    with pytest.raises(TypeError, match="missing"):
        trusted_call(Adjustment, ("group", "reason"))
    with pytest.raises(TypeError, match="unknown"):
        trusted_call(Adjustment, ("group", "reason", "amount", "colour"))
    with pytest.raises(TypeError):
        trusted_call(Adjustment, ("group", "reason", "amount", "amount"))
    with pytest.raises(TypeError, match="missing"):  # given must hold the required fields
        trusted_call(Adjustment, ("group", "reason", "amount"), ("group", "reason"))
    with pytest.raises(TypeError):  # given within keys
        trusted_call(Adjustment, ("group", "reason", "amount"), ("group", "quantity"))
    with pytest.raises(TypeError):
        trusted_call(Adjustment, ("group", "reason", "amount"))("CO", "45")
    mutable = type("Mutable", (Adjustment,), {"model_config": {"frozen": False}})
    with pytest.raises(TypeError, match="not frozen"):
        trusted_call(mutable, ("group", "reason", "amount"))
