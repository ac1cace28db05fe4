"""Scrub result use cases: keep what the scrubber found each time a stored claim was scrubbed.

`record_scrub(uow, claim, findings)` appends one result (when, the error, warning and info
counts, the findings) inside an open unit of work the caller commits; `record_scrubs` does
a batch in one insert. `scrub_history(uow, pcn)` reads a claim's results, oldest first.
`errors_before_first_submission(marks, first_submitted_at)` is the reports' test: did any
scrub up to the first submission find an error (the clean-claim rate counts such a claim
as not clean even once it was fixed).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.finding import Finding
from openrcm.store.scrub_tables import (
    ScrubMark,
    ScrubResult,
    SqlScrubResultRepository,
    result_columns,
)


def scrub_results_of(uow: Any) -> SqlScrubResultRepository:
    """The scrub-result repository of an open unit of work."""
    found = getattr(uow, "scrub_results", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlScrubResultRepository(uow.session, uow.tenant_id)


def record_scrub(
    uow: Any, claim: Claim, findings: Sequence[Finding], *, at: datetime | None = None
) -> None:
    """Append one scrub result for a stored claim. Inside an open unit of work; the caller
    commits. `store.MissingReference` when the claim is not stored in the tenant."""
    record_scrubs(uow, [(claim, findings)], at=at)


def record_scrubs(
    uow: Any,
    results: Sequence[tuple[Claim, Sequence[Finding]]],
    *,
    at: datetime | None = None,
) -> None:
    """Append a scrub result for each stored claim in one bulk insert. Inside an open unit
    of work; the caller commits. Every result of the batch gets the same `scrubbed_at`."""
    moment = at or datetime.now(UTC)
    scrub_results_of(uow).add_many(
        [
            result_columns(claim.id, claim.patient_control_number, findings, moment)
            for claim, findings in results
        ]
    )


def scrub_history(uow: Any, patient_control_number: str) -> builtins.list[ScrubResult]:
    """Every stored scrub of the claim with this CLM01, oldest first (inside an open unit
    of work)."""
    return scrub_results_of(uow).history(patient_control_number)


def scrub_marks(uow: Any) -> dict[str, builtins.list[ScrubMark]]:
    """Every claim's scrubs by CLM01, without findings (inside an open unit of work)."""
    return scrub_results_of(uow).marks()


def errors_before_first_submission(
    marks: Sequence[ScrubMark], first_submitted_at: datetime | None
) -> bool:
    """True when a scrub at or before the first submission (any scrub, for a claim never
    submitted) found an error."""
    return any(
        m.error_count > 0 and (first_submitted_at is None or m.scrubbed_at <= first_submitted_at)
        for m in marks
    )
