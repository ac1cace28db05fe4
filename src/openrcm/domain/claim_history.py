"""A claim's status history: one record per move through the lifecycle, append-only."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from openrcm.domain.base import Record
from openrcm.domain.claim_state import ClaimStatus


class ClaimStatusChange(Record):
    """One move of a claim through its lifecycle.

    claim_id: the claim that moved.
    from_status: where it was; None for the claim's first record, when it was stored.
    to_status: where it went.
    changed_at: when, timezone-aware (stored as UTC).
    reason: why, in words a biller reads ("277CA accepted", "835 paid"); no patient data.
    """

    claim_id: str
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    changed_at: AwareDatetime
    reason: str | None = Field(default=None, max_length=500)
