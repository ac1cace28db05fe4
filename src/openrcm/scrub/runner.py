"""Running edits: every edit on every claim, none stopping the others.

An edit that raises is a bug in the edit or data it did not expect; the runner turns it into
one `SCRUB-CRASH` error finding naming the edit (so the claim is held, not sent unchecked)
and goes on with the next edit, as beancount's loader turns a failing plugin into an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from openrcm.domain import Claim, Finding, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.registry import Edit

log = logging.getLogger(__name__)

CRASH = "SCRUB-CRASH"


@dataclass(frozen=True, slots=True)
class ClaimFindings:
    """The findings of one claim, in edit order then line order."""

    patient_control_number: str
    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def scrub_claim(
    claim: Claim, ctx: ScrubContext, edits: Mapping[str, Edit] | Iterable[Edit] | None = None
) -> tuple[Finding, ...]:
    """Every finding of `edits` (default: all registered edits) on one claim."""
    rules = _rules(edits)
    found: list[Finding] = []
    for rule in rules:
        try:
            found.extend(rule.check(claim, ctx))
        except Exception as exc:  # an edit must never stop the scrub
            log.warning("scrub edit %s raised %s", rule.id, exc.__class__.__name__)
            found.append(
                Finding(
                    code=CRASH,
                    severity=Severity.ERROR,
                    message=f"edit {rule.id} failed on this claim ({exc.__class__.__name__}); "
                    "the claim was not fully checked",
                    fix=f"report the failure of {rule.id}; hold the claim until it is checked",
                )
            )
    return tuple(found)


def scrub_claims(
    claims: Iterable[Claim],
    ctx: ScrubContext,
    edits: Mapping[str, Edit] | Iterable[Edit] | None = None,
) -> list[ClaimFindings]:
    """Scrub a batch: one `ClaimFindings` per claim, in order."""
    rules = _rules(edits)
    return [
        ClaimFindings(claim.patient_control_number, scrub_claim(claim, ctx, rules))
        for claim in claims
    ]


def _rules(edits: Mapping[str, Edit] | Iterable[Edit] | None) -> tuple[Edit, ...]:
    if edits is None:
        from openrcm.scrub import EDITS

        return tuple(EDITS.values())
    if isinstance(edits, Mapping):
        return tuple(edits.values())
    return tuple(edits)
