"""The acceptance check for claim building: claims built from stored encounters, scrubbed
with the real reference data (ICD-10-CM, HCPCS, PFS, NCCI, MCE), batched per payer into
837P files that pyx12 accepts with zero errors, and whose claims read back scrub clean,
COB data included on the secondary payer's claim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import platformdirs
import pytest
from billing_testkit import store_visits

from openrcm.billing import PriorAdjudication
from openrcm.datadir import DataDirNotFound, find_data_dir
from openrcm.domain import Adjustment, ClaimStatus, CoveragePriority, Severity
from openrcm.scrub import ScrubContext, scrub_claim
from openrcm.service.billing import batch_claims, build_claims
from openrcm.x12 import read_837p
from pyx12_oracle import pyx12_errors

AS_OF = date(2025, 7, 20)


@pytest.fixture(scope="module")
def ctx() -> Iterator[ScrubContext]:
    try:
        data = find_data_dir()
    except DataDirNotFound:
        pytest.skip("shared reference data not present")
    from openrcm.scrub.reference import build_context, load_ncci

    cache = Path(platformdirs.user_cache_dir("openrcm"))
    context = build_context(data, as_of=AS_OF, ncci=load_ncci(data, cache_dir=cache / "ncci"))
    yield context
    context.code_editor.close()  # type: ignore[union-attr]


PRIMARY_PAID = PriorAdjudication(
    payer_id="87726",
    paid_amount=Decimal("251.20"),
    adjustments=(
        Adjustment(group="CO", reason="45", amount=Decimal("125.00")),
        Adjustment(group="PR", reason="2", amount=Decimal("63.80")),
    ),
    adjudication_date=date(2025, 3, 28),
    payer_claim_control_number="2025087000123",
)


def test_a_built_batch_scrubs_clean_and_passes_pyx12(uow, practice, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store_visits(uow, practice)
    primary = build_claims(uow, scrub_context=ctx)
    secondary = build_claims(
        uow,
        ["enc-knee-0304"],
        priority=CoveragePriority.SECONDARY,
        prior={"enc-knee-0304": [PRIMARY_PAID]},
        scrub_context=ctx,
    )
    built = [*primary.built, *secondary.built]
    assert len(built) == 4
    errors = [
        (r.encounter_id, f.code)
        for r in (*primary.results, *secondary.results)
        for f in (*r.findings, *r.scrub_findings)
        if f.severity is Severity.ERROR
    ]
    assert errors == []
    assert {c.status for c in built} == {ClaimStatus.READY}

    summary = batch_claims(uow, tmp_path / "out", now=datetime(2025, 7, 20, 16, 5, tzinfo=UTC))
    assert [(f.payer_id, len(f.claims)) for f in summary.files] == [("00621", 1), ("87726", 3)]
    assert summary.held == {}
    for batch in summary.files:
        text = batch.path.read_text()
        assert pyx12_errors(text) == [], batch.path.name
        claims, findings = read_837p(text)
        assert [f for f in findings if f.is_error] == []
        for claim in claims:
            assert [f.code for f in scrub_claim(claim, ctx) if f.is_error] == []
    (cob_claim,) = read_837p(summary.files[0].path.read_text())[0]
    (other,) = cob_claim.other_payers
    assert (other.payer.id, other.paid_amount) == ("87726", Decimal("251.20"))
    assert other.adjudication_date == date(2025, 3, 28)
