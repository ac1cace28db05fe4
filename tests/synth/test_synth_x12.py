"""Synthetic claims as an 837P interchange pass pyx12, the external X12 oracle, cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrcm.synth import SyntheticPractice, write_claims_837p, x12_writer
from pyx12_oracle import pyx12_errors


def test_six_hundred_synthetic_claims_pass_pyx12(
    practice: SyntheticPractice, tmp_path: Path
) -> None:
    if x12_writer() is None:
        pytest.skip("the X12 writer is not built yet")
    batch = [c for c in practice.claims if len(c.lines) >= 20][:20] + list(practice.claims[:580])
    assert any(len(c.lines) == 50 for c in batch)
    assert any(c.other_payers for c in batch)
    path = tmp_path / "claims.837p"
    assert write_claims_837p(practice, batch, path)
    text = path.read_text()
    assert text.startswith("ISA*") and "*005010X222A1~" in text
    assert pyx12_errors(text) == []
