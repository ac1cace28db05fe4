"""Synthetic claims as an 837P interchange pass pyx12, the external X12 oracle, cleanly."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from openrcm.synth import SyntheticPractice, write_claims_837p, x12_writer


def _pyx12_errors(text: str) -> list[tuple[str, str, str]]:
    """Every error pyx12 reports for `text`: (segment id, code, message)."""
    import pyx12.params
    import pyx12.x12n_document

    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    out = io.StringIO()
    pyx12.x12n_document.x12n_document(
        pyx12.params.params(), io.StringIO(text), fd_997=None, fd_html=None, fd_json=out
    )
    errors: list[tuple[str, str, str]] = []

    def walk(node: object, segment: str) -> None:
        if isinstance(node, dict):
            segment = node.get("seg_id") or segment
            for key, value in node.items():
                if key == "errors":
                    errors.extend(
                        (segment, e.get("err_cde", ""), e.get("err_str", "")) for e in value
                    )
                else:
                    walk(value, segment)
        elif isinstance(node, list):
            for value in node:
                walk(value, segment)

    walk(json.loads(out.getvalue()), "")
    return errors


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
    assert _pyx12_errors(text) == []
