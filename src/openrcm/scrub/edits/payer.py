"""Payer rule edits, driven by `PayerRules` (YAML per payer): timely filing, prior
authorisation, referral, claim filing indicator, frequency codes, secondary claims,
non-covered codes, telehealth modifiers, NDC."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from openrcm.domain import Claim, CoveragePriority, Finding, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import facts, is_drug
from openrcm.scrub.registry import edit

RULES = "Payer rules (scrub payer rules YAML)"


@edit(
    "TIMELY-FILING",
    Severity.ERROR,
    description="The claim is sent within the payer's timely filing limit after the date of service.",
    source=f"{RULES}: timely_filing_days; Medicare: 42 CFR 424.44 (12 months)",
)
def timely_filing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    limit = ctx.rules_for(claim.payer).timely_filing_days
    deadline = facts(claim).first_service_date + timedelta(days=limit)
    if ctx.as_of > deadline:
        yield timely_filing.finding(
            f"the filing limit of {limit} days ran out on {deadline}",
            fix="send only with proof of timely filing (an earlier acceptance report) or write the charge off",
        )


@edit(
    "TIMELY-FILING-NEAR",
    Severity.WARNING,
    description="The payer's timely filing limit runs out soon.",
    source=f"{RULES}: timely_filing_days, timely_filing_warning_days",
)
def timely_filing_near(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    rules = ctx.rules_for(claim.payer)
    deadline = facts(claim).first_service_date + timedelta(days=rules.timely_filing_days)
    if deadline - timedelta(days=rules.timely_filing_warning_days) <= ctx.as_of <= deadline:
        yield timely_filing_near.finding(
            f"the filing limit runs out on {deadline}",
            fix="send the claim now",
        )


@edit(
    "PRIOR-AUTH-REQUIRED",
    Severity.ERROR,
    description="Codes the payer authorises in advance carry a prior authorisation number.",
    source=f"{RULES}: prior_authorization; 837P REF*G1",
)
def prior_auth_required(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    needed = ctx.rules_for(claim.payer).prior_authorization
    if not needed:
        return
    for line in claim.lines:
        if line.procedure in needed and not (line.prior_authorization or claim.prior_authorization):
            yield prior_auth_required.finding(
                f"{claim.payer.name} requires prior authorisation for {line.procedure}",
                line=line.number,
                fix="add the authorisation number (REF*G1); without one, request retro-authorisation",
            )


def _needs_referral(claim: Claim, ctx: ScrubContext) -> bool:
    """The payer requires referrals and the treating clinician is not primary care."""
    rules = ctx.rules_for(claim.payer)
    if not rules.referral_required:
        return False
    treating = claim.rendering_provider or claim.billing_provider
    return treating.taxonomy not in rules.referral_exempt_taxonomies


@edit(
    "REFERRAL-REQUIRED",
    Severity.ERROR,
    description="Specialist claims to a payer that requires referrals (HMO) carry the referral number.",
    source=f"{RULES}: referral_required; 837P REF*9F",
)
def referral_required(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not claim.referral_number and _needs_referral(claim, ctx):
        yield referral_required.finding(
            f"{claim.payer.name} requires a referral and the claim has no referral number",
            fix="get the referral number from the primary care physician's office",
        )


@edit(
    "REFERRING-PROVIDER-REQUIRED",
    Severity.ERROR,
    description="Specialist claims to a payer that requires referrals name the referring provider.",
    source=f"{RULES}: referral_required; 837P loop 2310A",
)
def referring_provider_required(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.referring_provider is None and _needs_referral(claim, ctx):
        yield referring_provider_required.finding(
            "the payer requires a referral and the claim names no referring provider",
            fix="add the referring (primary care) provider",
        )


@edit(
    "CLAIM-FILING-INDICATOR",
    Severity.ERROR,
    description="The claim filing indicator is one the payer accepts.",
    source=f"{RULES}: claim_filing_indicators; 837P SBR09",
)
def claim_filing_indicator(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    accepted = ctx.rules_for(claim.payer).claim_filing_indicators
    indicator = claim.payer.claim_filing_indicator.value
    if accepted and indicator not in accepted:
        yield claim_filing_indicator.finding(
            f"claim filing indicator {indicator} is not one {claim.payer.name} accepts ({', '.join(accepted)})",
            fix="set SBR09 to the payer's program type",
        )


@edit(
    "FREQUENCY-NOT-ACCEPTED",
    Severity.ERROR,
    description="The claim frequency code (original, replacement, void) is one the payer accepts electronically.",
    source=f"{RULES}: frequency_codes; 837 CLM05-3",
)
def frequency_not_accepted(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    accepted = ctx.rules_for(claim.payer).frequency_codes
    if accepted and claim.frequency_code not in accepted:
        yield frequency_not_accepted.finding(
            f"{claim.payer.name} does not accept frequency code {claim.frequency_code}",
            fix="use the payer's reopening or corrected-claim process",
        )


def _secondary(claim: Claim) -> bool:
    return claim.coverage.priority is not CoveragePriority.PRIMARY


@edit(
    "SECONDARY-PRIMARY-MISSING",
    Severity.ERROR,
    description="A claim to a secondary or tertiary payer names the payer(s) before it.",
    source="837P loop 2320/2330B (coordination of benefits); payer rules: secondary",
)
def secondary_primary_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if _secondary(claim) and not claim.other_payers:
        yield secondary_primary_missing.finding(
            "the claim goes to a secondary payer but names no primary payer",
            fix="add the primary payer, its member id and its adjudication (from the primary's 835)",
        )


@edit(
    "SECONDARY-PRIMARY-ADJUDICATION",
    Severity.ERROR,
    description="A secondary claim carries the earlier payer's paid amount and adjudication date.",
    source="837P loop 2320 AMT*D and 2330B DTP*573; payer rules: secondary.require_primary_adjudication",
)
def secondary_primary_adjudication(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if (
        not _secondary(claim)
        or not ctx.rules_for(claim.payer).secondary.require_primary_adjudication
    ):
        return
    for other in claim.other_payers:
        if other.paid_amount is None or other.adjudication_date is None:
            yield secondary_primary_adjudication.finding(
                f"the earlier payer {other.payer.name}'s paid amount or adjudication date is missing",
                fix="post the primary's 835 first and copy its payment and date onto the claim",
            )


@edit(
    "PAYER-NOT-COVERED",
    Severity.ERROR,
    description="No line bills a code the payer does not cover.",
    source=f"{RULES}: not_covered",
)
def payer_not_covered(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    excluded = ctx.rules_for(claim.payer).not_covered
    if not excluded:
        return
    for line in claim.lines:
        if line.procedure in excluded:
            yield payer_not_covered.finding(
                f"{claim.payer.name} does not cover {line.procedure}",
                line=line.number,
                fix="have the patient sign a waiver (ABN-like notice) and bill the patient, per the payer's contract",
            )


@edit(
    "TELEHEALTH-MODIFIER",
    Severity.ERROR,
    description="Telehealth lines (POS 02/10) carry the modifier the payer requires.",
    source=f"{RULES}: telehealth_modifier, telehealth_places_of_service",
)
def telehealth_modifier(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    rules = ctx.rules_for(claim.payer)
    wanted = rules.telehealth_modifier
    if not wanted:
        return
    for line in claim.lines:
        pos = line.place_of_service or claim.place_of_service
        if pos in rules.telehealth_places_of_service and wanted not in line.modifiers:
            yield telehealth_modifier.finding(
                f"the telehealth line (POS {pos}) lacks modifier {wanted}",
                line=line.number,
                fix=f"add modifier {wanted}",
            )


@edit(
    "NDC-REQUIRED",
    Severity.ERROR,
    description="Drug lines (J codes) carry an NDC when the payer requires one (Medicaid drug rebate).",
    source=f"{RULES}: ndc_required; Deficit Reduction Act 2005 §6002; 837P loop 2410 LIN",
)
def ndc_required(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not ctx.rules_for(claim.payer).ndc_required:
        return
    for line in claim.lines:
        if is_drug(line.procedure) and not line.ndc:
            yield ndc_required.finding(
                f"{line.procedure} is a drug and has no NDC",
                line=line.number,
                fix="add the 11-digit NDC of the drug administered, with quantity and unit",
            )


@edit(
    "DUPLICATE-CLAIM",
    Severity.ERROR,
    description="No line repeats a service (patient, payer, provider, date, code, modifiers) already billed on another claim.",
    source="Medicare Claims Processing Manual ch. 1 §120 (duplicate claims); CARC 18",
)
def duplicate_claim(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    history = ctx.history
    if history is None:
        return
    for line in claim.lines:
        earlier = history.duplicate_of(claim, line)
        if earlier is not None:
            yield duplicate_claim.finding(
                f"{line.procedure} on {line.service_date} was already billed on claim {earlier}",
                line=line.number,
                fix="send a replacement (frequency 7) to correct the earlier claim, or drop the line",
            )
