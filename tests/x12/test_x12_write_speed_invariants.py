"""The 837 writer's quick paths give what the general formatters give (`segments`)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from openrcm.x12.segments import x12_amount, x12_date, x12_text
from openrcm.x12.t837_write import _amount, _date_text, _Memo, _own_text

TEXTS = [
    "6445 ELM ST",
    "SUITE 512",
    " 12 MAIN ST",
    "12 MAIN ST ",
    "12  MAIN ST",
    "APT #4",
    "123 N. MAIN ST.",
    "RUE DE L'ÉGLISE",
    "A*B:C~D^E",
    "",
    " ",
    "GRP130",
    "ICN1335311",
    "tab\there",
    "ÅNGSTRÖM 7",
    "²³",  # not ASCII digits: isalnum() alone would take them
]


@pytest.mark.parametrize("value", TEXTS)
def test_own_text_is_x12_text(value: str) -> None:
    assert _own_text(value, _Memo(x12_text.__wrapped__)) == x12_text(value)


def test_amount_is_x12_amount() -> None:
    rng = random.Random(5)
    texts = [
        "0",
        "-0",
        "0.00",
        "-0.00",
        "1E+3",
        "1.50E+2",
        "0E-7",
        "-5",
        "100",
        "-1.10",
        "12.340",
        "0.0000001",
        "NaN",
        "Infinity",
        "-Infinity",
    ]
    texts += [
        str(Decimal(rng.randint(-(10**6), 10**6)).scaleb(-rng.randint(-3, 8))) for _ in range(5000)
    ]
    for text in texts:
        assert _amount(Decimal(text)) == x12_amount(Decimal(text)), text
    for value in (0, 5, -3, 10**12):
        assert _amount(value) == x12_amount(value)


def test_date_text_is_x12_date() -> None:
    for value in (date(1, 1, 1), date(999, 12, 31), date(1987, 6, 5), date(2025, 11, 24)):
        assert _date_text(value) == x12_date(value)
