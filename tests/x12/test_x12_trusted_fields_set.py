"""Trusted records share one fields-set per set of keys; no record can change another's."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import pytest

from openrcm.domain import Adjustment
from openrcm.domain.trusted import trusted_builder

ADJUSTMENT = trusted_builder(Adjustment)


def test_records_built_with_the_same_keys_share_their_fields_set() -> None:
    one = ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal("1.00")})
    two = ADJUSTMENT({"group": "PR", "reason": "2", "amount": Decimal("3.00")})
    three = ADJUSTMENT(
        {"group": "PR", "reason": "2", "amount": Decimal("3.00"), "quantity": Decimal(1)}
    )
    assert one.model_fields_set is two.model_fields_set
    assert one.model_fields_set == {"group", "reason", "amount"}
    assert three.model_fields_set == {"group", "reason", "amount", "quantity"}


def test_copying_a_record_leaves_the_shared_fields_set_alone() -> None:
    one = ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal("1.00")})
    two = ADJUSTMENT({"group": "CO", "reason": "97", "amount": Decimal("2.00")})
    changed = one.model_copy(update={"quantity": Decimal(2)})
    assert changed.model_fields_set == {"group", "reason", "amount", "quantity"}
    assert one.model_fields_set == two.model_fields_set == {"group", "reason", "amount"}
    for other in (copy.copy(one), copy.deepcopy(one), pickle.loads(pickle.dumps(one))):
        assert other == one
        assert other.model_fields_set == one.model_fields_set
    assert one.model_dump(exclude_unset=True) == {
        "group": "CO",
        "reason": "45",
        "amount": Decimal("1.00"),
    }


def test_wrong_keys_are_refused_every_time_whatever_was_built_before() -> None:
    ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal("1.00")})
    for _ in range(2):  # a refused set of keys is never taken as known
        with pytest.raises(TypeError, match="missing"):
            ADJUSTMENT({"group": "CO", "reason": "45"})
        with pytest.raises(TypeError, match="unknown"):
            ADJUSTMENT({"group": "CO", "reason": "45", "amount": Decimal(1), "colour": "red"})
