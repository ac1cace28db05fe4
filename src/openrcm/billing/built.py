"""What building a claim gives back: the claim (None when it cannot be built) and findings."""

from __future__ import annotations

from dataclasses import dataclass

from openrcm.domain.claim import Claim
from openrcm.domain.finding import Finding, Severity


@dataclass(frozen=True, slots=True)
class BuiltClaim:
    """One claim built from one encounter, or the error findings that stopped it."""

    encounter_id: str
    claim: Claim | None
    findings: tuple[Finding, ...] = ()
    drg_description: str | None = None

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def stopped(encounter_id: str, findings: list[Finding]) -> BuiltClaim:
    """No claim: `findings` say why."""
    return BuiltClaim(encounter_id, None, tuple(findings))
