"""Every shared 270, 271 and 276 sample reads into records without a crash; the ones
SOURCES.md lists as invalid yield error findings; mutated samples raise nothing but X12Error."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_support import SAMPLES

from openrcm.domain.finding import Finding
from openrcm.x12 import X12Error, read_270, read_271, read_276

READERS: dict[str, Callable[[str], tuple[list[Any], list[Finding]]]] = {
    "270": read_270,
    "271": read_271,
    "276": read_276,
}

# per type: (files, records read, files with error findings, error finding codes), 2026-11-24
EXPECTED = {
    # unknown_segment_error: HL and NM1 before ST, SE01 wrong, no 2000A/2000B: no inquiry
    "270": (
        5,
        4,
        1,
        {
            "X12-SEGMENT-OUTSIDE",
            "X12-SE-COUNT",
            "X12-SEGMENT-UNEXPECTED",
            "X12-HL-PARENT",
            "X12-REQUIRED-SEGMENT",
        },
    ),
    # subscriber-health-benefit-check-error: SE02 4323 for ST02 4321
    "271": (6, 6, 1, {"X12-CONTROL-MISMATCH"}),
    "276": (2, 2, 0, set()),
}


def _listed_invalid() -> set[str]:
    sources = (SAMPLES.parent / "SOURCES.md").read_text()
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|.*\(invalid:", sources, re.M)}


@pytest.mark.parametrize("kind", sorted(READERS))
def test_every_sample_reads_and_the_invalid_ones_yield_findings(
    samples_dir: Path, kind: str
) -> None:
    invalid = _listed_invalid()
    files = records = with_errors = 0
    codes: set[str] = set()
    for path in sorted((samples_dir / kind).iterdir()):
        read, findings = READERS[kind](path.read_text(errors="replace"))
        errors = [f for f in findings if f.is_error]
        files += 1
        records += len(read)
        with_errors += bool(errors)
        codes |= {f.code for f in errors}
        if f"{kind}/{path.name}" in invalid:
            assert errors, f"{path.name} is listed as invalid but reads clean"
        for f in findings:
            assert f.segment is None or f.segment.segment_index >= 1
    assert (files, records, with_errors, codes) == EXPECTED[kind]


def test_other_eligibility_and_status_files_are_skipped_or_read_never_crash(
    samples_dir: Path,
) -> None:
    """4010 sets are skipped with a warning; the mixed-version 271 (GS08 4010, ST03 X279A1) is
    read as the 5010 its ST03 names."""
    outcome = {}
    for path in sorted((samples_dir / "other").iterdir()):
        text = path.read_text(errors="replace")
        for kind, reader in READERS.items():
            try:
                read, findings = reader(text)
            except X12Error:
                continue
            if read or any(
                f.code == "X12-WRONG-TRANSACTION" and kind in f.message for f in findings
            ):
                outcome[(path.name, kind)] = len(read)
    assert outcome[("imsweb-x12-parser__x271.txt", "271")] >= 1
    assert outcome[("slott56-TigerShark__TEST_276_TXNs.txt", "276")] == 0


_ALPHABET = "*:^~\n HLNMEBQDTPAS0123456789>-."


@st.composite
def mutated(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(sorted(READERS)))
    paths = sorted((SAMPLES / kind).iterdir())
    text = draw(st.sampled_from(paths)).read_text(errors="replace")
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        if op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        elif op == "insert":
            text = text[:at] + draw(st.text(_ALPHABET, min_size=1, max_size=8)) + text[at:]
        elif op == "replace":
            text = text[:at] + draw(st.text(_ALPHABET, min_size=1, max_size=1)) + text[at + 1 :]
        else:
            end = min(len(text), at + draw(st.integers(1, 120)))
            text = text[:end] + text[at:end] + text[end:]
    return text


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared X12 sample corpus is not present")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_samples_raise_nothing_but_x12error(text: str) -> None:
    for reader in READERS.values():
        try:
            reader(text)
        except X12Error as error:
            assert error.offset >= 0
