"""Mutation fuzzing over the sample files: the only exception a reader may raise is X12Error."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_support import SAMPLES

from openrcm.x12 import X12Error, read_837i, read_837p, read_envelope
from openrcm.x12.validate import validate

# a bounded, representative subset (the long run is bench/x12_fuzz.py)
_NAMES = [
    "837p/albmarin-badX12__X222-medicare-secondary-payer-COB.edi",
    "837p/UHIN-x12-parser-library__837.edi",
    "837i/LinuxForHealth-x12__demo.837i",
    "835/albmarin-badX12__X221-era-sample.edi",
    "999/imsweb-x12-parser__x12_999_rejected.txt",
    "270/LinuxForHealth-x12__demo.270",
]
_TEXTS = [(SAMPLES / n).read_text(errors="replace") for n in _NAMES if (SAMPLES / n).is_file()] or [
    "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*P*:~"
]
_ALPHABET = "*:^~\n\r ISAGSTEHLCMNX0123456789>|-."


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        if op == "delete":
            end = at + draw(st.integers(1, 40))
            text = text[:at] + text[end:]
        elif op == "insert":
            text = text[:at] + draw(st.text(_ALPHABET, min_size=1, max_size=8)) + text[at:]
        elif op == "replace":
            text = text[:at] + draw(st.text(_ALPHABET, min_size=1, max_size=1)) + text[at + 1 :]
        elif op == "truncate":
            text = text[:at]
        else:
            end = min(len(text), at + draw(st.integers(1, 200)))
            text = text[:end] + text[at:end] + text[end:]
    return text


def _run_all(text: str) -> None:
    try:
        read_envelope(text)
        validate(text)
        read_837p(text)
        read_837i(text)
    except X12Error as exc:
        assert exc.offset >= 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_samples_raise_nothing_but_x12error(text: str) -> None:
    _run_all(text)


def test_the_fuzz_corpus_is_present() -> None:
    assert all(Path(SAMPLES / n).is_file() for n in _NAMES)
