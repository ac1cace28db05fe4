"""Coordination of benefits (COB): which coverage a claim bills, and what the others decided.

A patient with two or three coverages in force on the date of service is billed in order:
primary (P), then secondary (S), then tertiary (T). Each claim names the patient's other
payers (837 loops 2320/2330: payer, subscriber, member id, their SBR01 priority); a claim to
a later payer also carries what each earlier payer decided, from its 835: the amount paid,
the claim-level adjustments, the date and the payer's claim number, and per line the SVD
paid amount and CAS adjustments (loop 2430). `PriorAdjudication` holds one such decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import Field

from openrcm.domain.base import Record
from openrcm.domain.claim import Adjustment, LineAdjudication, OtherPayer, ServiceLine
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import Money
from openrcm.domain.party import Coverage, CoveragePriority, Payer


class PriorAdjudication(Record):
    """An earlier payer's decision on this claim's services (from its 835 CLP/SVC)."""

    payer_id: str
    paid_amount: Money  # AMT*D in 2320
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS in 2320
    adjudication_date: date  # DTP*573 in 2330B
    payer_claim_control_number: str | None = Field(default=None, max_length=50)  # REF*F8 2330B
    lines: tuple[LineAdjudication, ...] = ()  # 2430, matched to lines by code and modifiers


def coverages_in_force(coverages: Sequence[Coverage], on: date) -> list[Coverage]:
    """The coverages in force on `on`, primary first (then by id, for a stable order)."""
    return sorted((c for c in coverages if c.covers(on)), key=lambda c: (c.priority.rank, c.id))


def coverage_to_bill(
    coverages: Sequence[Coverage], on: date, priority: CoveragePriority
) -> Coverage | None:
    """The coverage of that priority in force on `on`, or None."""
    return next((c for c in coverages_in_force(coverages, on) if c.priority is priority), None)


def billed_coverage(
    coverages: Sequence[Coverage],
    payers: Mapping[str, Payer],
    on: date,
    priority: CoveragePriority,
) -> tuple[Coverage | None, Payer | None, list[Finding]]:
    """The coverage of `priority` in force on `on` and its payer, or findings saying why not."""
    billed = coverage_to_bill(coverages, on, priority)
    if billed is None:
        return (
            None,
            None,
            [
                Finding(
                    code="BILL-NO-COVERAGE",
                    severity=Severity.ERROR,
                    message=(
                        f"the patient has no {priority.name.lower()} coverage in force on "
                        f"{on.isoformat()}"
                    ),
                    fix="check eligibility and update the patient's coverages, or bill the patient",
                )
            ],
        )
    payer = payers.get(billed.payer_id)
    if payer is None:
        return (
            billed,
            None,
            [
                Finding(
                    code="BILL-PAYER-UNKNOWN",
                    severity=Severity.ERROR,
                    message=f"payer {billed.payer_id} of coverage {billed.id} is not on file",
                    fix="add the payer before billing",
                )
            ],
        )
    return billed, payer, []


def other_payers(
    billed: Coverage,
    in_force: Sequence[Coverage],
    payers: Mapping[str, Payer],
    prior: Mapping[str, PriorAdjudication],
) -> tuple[tuple[OtherPayer, ...], list[Finding]]:
    """The claim's other payers (every coverage in force but the billed one), each earlier
    payer with its decision; a finding for an earlier payer without one, or an unknown payer."""
    others: list[OtherPayer] = []
    findings: list[Finding] = []
    for coverage in in_force:
        if coverage.id == billed.id:
            continue
        payer = payers.get(coverage.payer_id)
        if payer is None:
            findings.append(
                Finding(
                    code="BILL-PAYER-UNKNOWN",
                    severity=Severity.ERROR,
                    message=f"coverage {coverage.id} names payer {coverage.payer_id}, not on file",
                    fix="add the payer before billing",
                )
            )
            continue
        decision = prior.get(coverage.payer_id)
        earlier = coverage.priority.rank < billed.priority.rank
        if earlier and decision is None:
            findings.append(
                Finding(
                    code="BILL-COB-PRIOR-MISSING",
                    severity=Severity.ERROR,
                    message=(
                        f"the claim goes to the {billed.priority.name.lower()} payer but "
                        f"{payer.name} ({coverage.priority.name.lower()}) has not decided yet"
                    ),
                    fix="post the earlier payer's 835 first; its payment goes on this claim",
                )
            )
        others.append(
            OtherPayer(
                payer=payer,
                subscriber=coverage.subscriber,
                member_id=coverage.member_id,
                priority=coverage.priority.value,
                relationship=coverage.relationship,
                group_number=coverage.group_number,
                paid_amount=decision.paid_amount if earlier and decision else None,
                adjustments=decision.adjustments if earlier and decision else (),
                adjudication_date=decision.adjudication_date if earlier and decision else None,
                payer_claim_control_number=(
                    decision.payer_claim_control_number if earlier and decision else None
                ),
            )
        )
    return tuple(others), findings


def with_line_adjudications(
    lines: Sequence[ServiceLine], decisions: Sequence[PriorAdjudication]
) -> tuple[ServiceLine, ...]:
    """Lines with the earlier payers' line decisions (2430) that match their code and
    modifiers; each decision goes on one line only, the first that matches."""
    result = []
    unused = [list(d.lines) for d in decisions]
    for line in lines:
        found = []
        for pool in unused:
            match = next(
                (
                    a
                    for a in pool
                    if a.procedure == line.procedure and set(a.modifiers) == set(line.modifiers)
                ),
                None,
            ) or next((a for a in pool if a.procedure == line.procedure), None)
            if match is not None:
                pool.remove(match)
                found.append(match)
        result.append(line.model_copy(update={"adjudications": tuple(found)}) if found else line)
    return tuple(result)
