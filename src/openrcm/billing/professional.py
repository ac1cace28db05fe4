"""Professional claims (837P, CMS-1500) from an encounter, the parties and the charge master.

`build_professional_claim` prices each coded procedure from the charge master in force on
the date of service, keeps the coder's modifiers (25 on the visit stays) in payment order,
orders the diagnoses (principal first, at most 12) and renumbers each line's pointers, puts
the NDC on drug lines, bills the coverage of the requested priority in force that day with
the other coverages as COB loops (an earlier payer's decision on a later payer's claim),
applies provider changes by date of service, and sets the frequency code (1, or 7/8 with the
payer's claim number). Findings say what it changed or could not do; an error means no
claim. Prior-auth and referral numbers come from the encounter; the numbers on file for the
payer are added in `openrcm.service.billing`, which records their use.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import ValidationError

from openrcm.billing.built import BuiltClaim, stopped
from openrcm.billing.charge_master import ChargeMaster
from openrcm.billing.cob import (
    PriorAdjudication,
    billed_coverage,
    coverages_in_force,
    other_payers,
    with_line_adjudications,
)
from openrcm.billing.details import EncounterDetails
from openrcm.billing.diagnoses import claim_diagnoses
from openrcm.billing.frequency import ORIGINAL, frequency_findings
from openrcm.billing.lines import PricedLine, price_entry
from openrcm.billing.parties import ClaimParties, parties_on
from openrcm.domain.claim import Claim, ClaimId, ClaimKind, Encounter, ServiceLine
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.party import CoveragePriority


def build_professional_claim(
    encounter: Encounter,
    parties: ClaimParties,
    charge_master: ChargeMaster,
    *,
    claim_id: str,
    patient_control_number: str,
    priority: CoveragePriority = CoveragePriority.PRIMARY,
    prior: Sequence[PriorAdjudication] = (),
    frequency_code: str = ORIGINAL,
    payer_claim_control_number: str | None = None,
    details: EncounterDetails | None = None,
) -> BuiltClaim:
    """The professional claim for `encounter` to the payer of the `priority` coverage."""
    day = encounter.service_date
    parties = parties_on(parties, day)
    findings = frequency_findings(frequency_code, payer_claim_control_number)
    billed, payer, coverage_findings = billed_coverage(
        parties.coverages, parties.payers, day, priority
    )
    findings += coverage_findings
    if not encounter.diagnoses:
        findings.append(_error("BILL-NO-DIAGNOSIS", "the encounter has no diagnosis code"))
    if not encounter.procedures:
        findings.append(_error("BILL-NO-PROCEDURE", "the encounter has no procedure code"))
    if billed is None or payer is None or any(f.is_error for f in findings):
        return stopped(encounter.id, findings)
    pointed = [p for entry in encounter.procedures for p in entry.diagnosis_pointers]
    diagnoses, pointer_map, dx_findings = claim_diagnoses(encounter.diagnoses, pointed=pointed)
    findings += dx_findings
    priced: list[PricedLine] = []
    for number, entry in enumerate(encounter.procedures, start=1):
        line, line_findings = price_entry(
            entry, charge_master, on=day, line=number, pointer_map=pointer_map
        )
        findings += line_findings
        if line is not None:
            priced.append(line)
    in_force = coverages_in_force(parties.coverages, day)
    decisions = {d.payer_id: d for d in prior}
    others, cob_findings = other_payers(billed, in_force, parties.payers, decisions)
    findings += cob_findings
    if any(f.is_error for f in findings):
        return stopped(encounter.id, findings)
    lines = tuple(
        ServiceLine(number=n, place_of_service=encounter.place_of_service, **p.fields())
        for n, p in enumerate(priced, start=1)
    )
    earlier = [decisions[o.payer.id] for o in others if o.paid_amount is not None]
    lines = with_line_adjudications(lines, earlier)
    rendering = parties.rendering_provider
    if rendering is not None and rendering.npi == parties.billing_provider.npi:
        rendering = None
    try:
        claim = Claim(
            id=ClaimId(claim_id),
            kind=ClaimKind.PROFESSIONAL,
            patient_control_number=patient_control_number,
            total_charge_amount=sum((line.charge_amount for line in lines), Decimal("0.00")),
            frequency_code=frequency_code,
            payer_claim_control_number=(
                payer_claim_control_number if frequency_code != ORIGINAL else None
            ),
            place_of_service=encounter.place_of_service,
            diagnoses=diagnoses,
            lines=lines,
            billing_provider=parties.billing_provider,
            rendering_provider=rendering,
            referring_provider=parties.referring_provider,
            supervising_provider=parties.supervising_provider,
            service_facility=parties.service_facility,
            patient=parties.patient,
            coverage=billed,
            payer=payer,
            other_payers=others,
            prior_authorization=encounter.prior_authorization,
            referral_number=encounter.referral_number,
            onset_date=details.onset_date if details else None,
            note=details.note if details else None,
        )
    except ValidationError as error:
        first = error.errors()[0]
        findings.append(_error("BILL-INVALID", f"the claim cannot be built: {first['msg']}"))
        return stopped(encounter.id, findings)
    return BuiltClaim(encounter.id, claim, tuple(findings))


def _error(code: str, message: str, *, fix: str | None = None) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, message=message, fix=fix)
