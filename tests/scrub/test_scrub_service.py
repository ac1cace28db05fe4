"""Stored scrub results on SQLite and PostgreSQL, and the clean-claim rate they feed.

Four claims of the practice, drafted, scrubbed and (three of them) sent:
- S1 scrubbed clean, sent: clean
- S2 scrubbed with a missing-ZIP+4 error, fixed, scrubbed clean, sent: not clean
- S3 scrubbed clean, sent, scrubbed again with an error after it went out: clean
- S4 scrubbed with an error and still a draft: not sent, not counted
Clean-claim rate 2/3; without stored results (the status history alone) it would be 3/3.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openrcm.domain import ClaimStatus
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.service import reports
from openrcm.service.scrub import record_scrub, record_scrubs, scrub_history
from openrcm.store import MissingReference

ZIP4 = Finding(
    code="BILLING-ZIP4",
    severity=Severity.ERROR,
    message="the billing provider's ZIP code needs all nine digits",
    fix="add the ZIP+4",
)
UNSPECIFIED = Finding(
    code="ICD-UNSPECIFIED",
    severity=Severity.WARNING,
    message="E11.40 is unspecified",
    line=1,
    segment=SegmentRef(segment_index=14, segment_id="HI", loop="2300", element=1, component=2),
)
NOTE = Finding(code="NOTE-LENGTH", severity=Severity.INFO, message="note trimmed", line=2)


def _send(uow: Any, claim: Any) -> Any:
    claim = uow.claims.set_status(claim, ClaimStatus.READY, reason="scrubbed clean")
    return uow.claims.set_status(claim, ClaimStatus.SUBMITTED, reason="sent in 837")


@pytest.fixture
def drafts(uow: Any, practice: Any) -> dict[str, Any]:
    with uow:
        practice.store(uow)
        claims = {pcn: practice.claim(pcn) for pcn in ("S1", "S2", "S3", "S4")}
        uow.claims.add_many(list(claims.values()))
        uow.commit()
    return claims


def test_a_scrub_is_stored_with_its_counts_and_findings(uow: Any, drafts: Any) -> None:
    at = datetime(2025, 3, 5, 14, 30, tzinfo=UTC)
    with uow:
        record_scrub(uow, drafts["S1"], [ZIP4, UNSPECIFIED, NOTE], at=at)
        record_scrub(uow, drafts["S1"], [], at=at + timedelta(hours=2))
        uow.commit()
    with uow:
        first, second = scrub_history(uow, "S1")
        assert scrub_history(uow, "S2") == []
    assert (first.error_count, first.warning_count, first.info_count) == (1, 1, 1)
    assert first.findings == (ZIP4, UNSPECIFIED, NOTE)  # code, severity, line, fix, segment
    assert first.scrubbed_at == at and first.claim_id == drafts["S1"].id and first.has_errors
    assert (second.error_count, second.findings, second.has_errors) == (0, (), False)


def test_a_batch_is_one_insert_with_one_time(uow: Any, drafts: Any) -> None:
    with uow:
        record_scrubs(uow, [(drafts["S1"], []), (drafts["S2"], (ZIP4,)), (drafts["S3"], [NOTE])])
        uow.commit()
    with uow:
        (s1,), (s2,), (s3,) = (scrub_history(uow, pcn) for pcn in ("S1", "S2", "S3"))
    assert s1.scrubbed_at == s2.scrubbed_at == s3.scrubbed_at
    assert (s1.error_count, s2.error_count, s3.info_count) == (0, 1, 1)


def test_nothing_is_stored_unless_the_caller_commits(uow: Any, drafts: Any) -> None:
    with uow:
        record_scrub(uow, drafts["S1"], [ZIP4])
    with uow:
        assert scrub_history(uow, "S1") == []


def test_a_claim_not_on_file_is_refused(uow: Any, drafts: Any, practice: Any) -> None:
    with uow, pytest.raises(MissingReference):
        record_scrub(uow, practice.claim("NOT-STORED"), [ZIP4])


def test_scrub_results_belong_to_their_tenant(
    uow: Any, drafts: Any, other_tenant: Any, uow_factory: Any
) -> None:
    with uow:
        record_scrub(uow, drafts["S1"], [ZIP4])
        uow.commit()
    theirs = uow_factory(other_tenant)
    with theirs:
        assert scrub_history(theirs, "S1") == []
        with pytest.raises(MissingReference):  # their tenant has no claim S1
            record_scrub(theirs, drafts["S1"], [ZIP4])


def _work_the_claims(uow: Any, practice: Any, *, store_scrubs: bool) -> None:
    """S1-S4 as in the module docstring; the scrubs stored only when `store_scrubs`."""
    with uow:
        practice.store(uow)
        claims = {pcn: practice.claim(pcn) for pcn in ("S1", "S2", "S3", "S4")}
        uow.claims.add_many(list(claims.values()))
        uow.commit()
    first = [(claims["S1"], []), (claims["S2"], [ZIP4]), (claims["S4"], [ZIP4])]
    second = [(claims["S2"], [UNSPECIFIED]), (claims["S3"], [])]
    with uow:
        if store_scrubs:
            record_scrubs(uow, first)
            record_scrubs(uow, second)
        for pcn in ("S1", "S2", "S3"):
            _send(uow, uow.claims.by_control_number(pcn))
        uow.commit()
    with uow:
        if store_scrubs:
            record_scrub(uow, claims["S3"], [ZIP4])  # after it went out: does not count
        uow.commit()


def test_a_scrub_error_before_the_first_submission_lowers_the_clean_claim_rate(
    uow: Any, practice: Any, other_tenant: Any, uow_factory: Any
) -> None:
    today = datetime.now(UTC).date()
    _work_the_claims(uow, practice, store_scrubs=True)
    facts = {f.patient_control_number: f for f in reports.claim_facts(uow)}
    assert sorted(p for p, f in facts.items() if f.scrub_errors_before_first_submission) == [
        "S2",
        "S4",
    ]
    kpis = reports.kpis_json(reports.kpis(uow, as_of=today), as_of=today)
    assert kpis["claims_submitted"] == 3
    assert kpis["clean_claim_rate"] == 0.6667

    # the same claims and status history with no stored scrubs: all three look clean
    unrecorded = uow_factory(other_tenant)
    _work_the_claims(unrecorded, practice, store_scrubs=False)
    control = reports.kpis_json(reports.kpis(unrecorded, as_of=today), as_of=today)
    assert control["claims_submitted"] == 3
    assert control["clean_claim_rate"] == 1.0
