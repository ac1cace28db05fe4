"""Every sample file written by others reads without a crash; invalid ones yield findings.

The per-type summary (files, transaction sets, files with error findings) is asserted here
so that a regression in any reader or rule shows up as a changed number.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from openrcm.domain import has_errors
from openrcm.x12 import X12Error, read_837i, read_837p, read_envelope
from openrcm.x12.validate import validate


def _invalid_files(samples: Path) -> set[str]:
    text = (samples.parent / "SOURCES.md").read_text()
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|.*\(invalid:", text, re.M)}


def _files(samples: Path) -> list[Path]:
    return sorted(p for p in samples.rglob("*") if p.is_file())


def test_every_sample_reads_and_validates_without_a_crash(samples_dir: Path) -> None:
    summary: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    invalid = _invalid_files(samples_dir)
    assert len(invalid) >= 20
    for path in _files(samples_dir):
        kind = path.parent.name
        text = path.read_text(encoding="utf-8", errors="replace")
        row = summary[kind]
        row["files"] += 1
        try:
            doc = read_envelope(text)
            findings = validate(text)
        except X12Error:
            row["unreadable"] += 1
            continue
        row["sets"] += len(doc.transactions)
        if has_errors(findings):
            row["with_errors"] += 1
        if kind in {"837p", "837i"}:
            claims, claim_findings = (read_837i if kind == "837i" else read_837p)(text)
            row["claims"] += len(claims)
            row["claim_findings"] += len(claim_findings)
        relative = str(path.relative_to(samples_dir))
        if relative in invalid:
            assert findings, f"{relative} is listed as invalid but has no findings"
            assert has_errors(findings), relative
            row["invalid_flagged"] += 1
    counts = {kind: row["files"] for kind, row in summary.items()}
    assert counts == {
        "270": 5,
        "271": 6,
        "276": 2,
        "277": 4,
        "277ca": 2,
        "835": 31,
        "837i": 7,
        "837p": 38,
        "999": 5,
        "other": 21,
    }
    assert sum(row["unreadable"] for row in summary.values()) == 0
    assert summary["837p"]["sets"] >= 350
    assert summary["835"]["sets"] >= 180
    # every deliberately broken 837P fixture is flagged
    assert summary["837p"]["invalid_flagged"] == sum(1 for f in invalid if f.startswith("837p/"))


@pytest.mark.parametrize("name", ["837p/UHIN-x12-parser-library__837.edi"])
def test_a_valid_sample_claim_reads_into_the_domain(samples_dir: Path, name: str) -> None:
    claims, findings = read_837p((samples_dir / name).read_text())
    assert findings == ()
    assert len(claims) == 1
    assert claims[0].lines and claims[0].diagnoses


def test_a_sample_with_fake_npis_gives_one_finding_per_claim_not_a_crash(samples_dir: Path) -> None:
    claims, findings = read_837p(
        (samples_dir / "837p/imsweb-x12-parser__x12_many_claims.txt").read_text()
    )
    unreadable = [f for f in findings if f.code == "X12-CLAIM-UNREADABLE"]
    assert claims == ()
    assert len(unreadable) >= 400
    assert all(f.segment is not None and f.segment.segment_id == "CLM" for f in unreadable)
