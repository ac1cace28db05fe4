"""A/R aging: open balances by payer or patient in 0-30, 31-60, 61-90, 91-120 and 120+ days,
aged from the date of service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from openrcm.domain.aging import AGING_BUCKETS, bucket_of
from openrcm.domain.money import ZERO
from openrcm.reports.facts import ClaimFacts


@dataclass(slots=True)
class AgingRow:
    key: str
    name: str
    buckets: dict[str, Decimal] = field(
        default_factory=lambda: {b: ZERO for b, _, _ in AGING_BUCKETS}
    )

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def ar_aging(
    facts: Sequence[ClaimFacts], *, by: Literal["payer", "patient"], as_of: date
) -> list[AgingRow]:
    """Insurance balances by payer, or patient balances by patient, largest total first."""
    rows: dict[str, AgingRow] = {}
    for f in facts:
        key, name, amount = (
            (f.payer_id, f.payer_name, f.insurance_balance)
            if by == "payer"
            else (f.patient_id, f.patient_name, f.patient_balance)
        )
        if amount == 0:
            continue
        row = rows.setdefault(key, AgingRow(key, name))
        row.buckets[bucket_of(max(0, (as_of - f.service_date).days))] += amount
    return sorted(rows.values(), key=lambda r: (-r.total, r.key))
