"""Claim history for duplicate detection: services already billed, by what makes them the same.

A service is the same when the patient (member id), payer, billing provider, date of service,
procedure code and modifiers all match (CMS's "exact duplicate" criteria). A replacement
(frequency 7) or void (8) of a claim is not its duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from openrcm.domain import Claim, ServiceLine

ServiceKey = tuple[str, str, str, date, str, tuple[str, ...]]


def service_key(claim: Claim, line: ServiceLine) -> ServiceKey:
    return (
        claim.coverage.member_id.upper(),
        claim.payer.id,
        claim.billing_provider.npi,
        line.service_date,
        line.procedure,
        line.modifiers if len(line.modifiers) < 2 else tuple(sorted(line.modifiers)),
    )


class ClaimHistoryIndex:
    """`ClaimHistory` over claims already sent: service key -> patient control number."""

    def __init__(self, claims: Iterable[Claim] = ()) -> None:
        self._seen: dict[ServiceKey, tuple[str, str]] = {}
        for claim in claims:
            self.add(claim)

    def add(self, claim: Claim) -> None:
        if claim.frequency_code == "8":
            return
        for line in claim.lines:
            self._seen.setdefault(
                service_key(claim, line), (claim.id, claim.patient_control_number)
            )

    def duplicate_of(self, claim: Claim, line: ServiceLine) -> str | None:
        if claim.frequency_code in ("7", "8"):
            return None
        earlier = self._seen.get(service_key(claim, line))
        if earlier is None or earlier[0] == claim.id:  # a claim is not its own duplicate
            return None
        return earlier[1]

    def __len__(self) -> int:
        return len(self._seen)
