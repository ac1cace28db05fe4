"""Money: Decimal amounts with at most two places, never floats.

Every amount in openrcm is a `decimal.Decimal`. `Money` is the pydantic type for fields
that hold one: it refuses floats (0.1 + 0.2 is not 0.30), keeps two places, and
serialises to JSON as a string with two decimals ("125.00").
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def refuse_float(value: Any) -> Any:
    """Refuse floats before pydantic can turn them into inexact Decimals."""
    if isinstance(value, float):
        raise ValueError(
            "money must be a Decimal, an int or a string such as '125.00', not a float"
        )
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount of money") from None
    return value


def to_money(value: Decimal | int | str) -> Decimal:
    """Round an amount half-up to cents: the one rounding rule for money."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """The contract's money format: a string with exactly two decimals, '125.00'."""
    return f"{to_money(value):.2f}"


def allocate(total: Decimal, weights: Sequence[int | Decimal]) -> list[Decimal]:
    """Split `total` into cents in proportion to `weights`; the parts sum exactly to `total`.

    Remainder cents go to the largest fractional shares first (largest-remainder method),
    so no cent is lost or invented.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
    total = to_money(total)
    weight_sum = sum((Decimal(w) for w in weights), Decimal(0))
    if weight_sum <= 0:
        raise ValueError("allocate needs weights that sum to more than zero")
    cents = int(total / CENT)
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    exact = [Decimal(cents) * Decimal(w) / weight_sum for w in weights]
    floors = [int(share) for share in exact]
    left = cents - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(sign * c) * CENT for c in floors]


def _serialise(value: Decimal) -> str:
    return format_money(value)


Money = Annotated[
    Decimal,
    BeforeValidator(refuse_float),
    Field(max_digits=14, decimal_places=2),
    PlainSerializer(_serialise, return_type=str, when_used="json"),
]
"""A money field: Decimal, two places at most, floats refused, JSON '125.00'."""

NonNegativeMoney = Annotated[Money, Field(ge=0)]
