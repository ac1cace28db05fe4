"""Claim and line data edits: totals, charges, units, dates, place of service, frequency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from openrcm.domain import Claim, ClaimKind, Finding, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.registry import edit

X222 = "ASC X12N 837P (005010X222A1)"
REPEAT_MODIFIERS = frozenset({"76", "77", "91", "59", "XE", "XS", "XP", "XU"})


@edit(
    "TOTAL-CHARGE-MISMATCH",
    Severity.ERROR,
    description="The claim's total charge equals the sum of its line charges.",
    source=f"{X222} CLM02: 'must equal the sum of all SV102 amounts'",
)
def total_charge_mismatch(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    total = claim.lines_total
    if claim.total_charge_amount != total:
        yield total_charge_mismatch.finding(
            f"the total charge {claim.total_charge_amount:.2f} is not the sum of the lines {total:.2f}",
            fix=f"set the total charge to {total:.2f}",
        )


@edit(
    "CHARGE-NOT-POSITIVE",
    Severity.ERROR,
    description="Every line has a charge above zero.",
    source=f"{X222} SV102; CMS-1500 box 24F",
)
def charge_not_positive(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if line.charge_amount <= 0:
            yield charge_not_positive.finding(
                f"{line.procedure} has a charge of {line.charge_amount:.2f}",
                line=line.number,
                fix="bill the fee schedule charge; a no-charge service is reported with a nominal amount only if the payer says so",
            )


@edit(
    "UNITS-NOT-POSITIVE",
    Severity.ERROR,
    description="Every line bills more than zero units.",
    source=f"{X222} SV104",
)
def units_not_positive(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if line.units <= 0:
            yield units_not_positive.finding(
                f"{line.procedure} bills {line.units} units",
                line=line.number,
                fix="bill at least one unit",
            )


@edit(
    "UNITS-FRACTIONAL",
    Severity.WARNING,
    description="Lines billed in units (UN) bill whole units; minutes (MJ) may be fractional.",
    source=f"{X222} SV103/SV104",
)
def units_fractional(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if line.unit_basis == "UN" and line.units != line.units.to_integral_value():
            yield units_fractional.finding(
                f"{line.procedure} bills {line.units} units",
                line=line.number,
                fix="round to whole units as the code's descriptor defines them",
            )


@edit(
    "DOS-FUTURE",
    Severity.ERROR,
    description="No date of service is after the day the claim is scrubbed.",
    source="Medicare Claims Processing Manual ch. 1 §70: services must be rendered before billing",
)
def dos_future(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if line.last_service_date > ctx.as_of:
            yield dos_future.finding(
                f"the service date {line.last_service_date} is after {ctx.as_of}",
                line=line.number,
                fix="hold the claim until the service has been performed",
            )


@edit(
    "POS-INVALID",
    Severity.ERROR,
    description="The place of service is an assigned CMS place-of-service code.",
    source="CMS Place of Service code set",
)
def pos_invalid(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    valid = ctx.places_of_service
    if valid is None or claim.kind is not ClaimKind.PROFESSIONAL:
        return
    if claim.place_of_service and claim.place_of_service not in valid:
        yield pos_invalid.finding(
            f"place of service {claim.place_of_service} is not an assigned code",
            fix="use the CMS place-of-service code for where the service was given (11 office, 22 outpatient hospital, ...)",
        )
    for line in claim.lines:
        if line.place_of_service and line.place_of_service not in valid:
            yield pos_invalid.finding(
                f"place of service {line.place_of_service} is not an assigned code",
                line=line.number,
                fix="use an assigned CMS place-of-service code",
            )


@edit(
    "POS-MISSING",
    Severity.ERROR,
    description="A professional claim gives a place of service (on the claim or every line).",
    source=f"{X222} CLM05-1; CMS-1500 box 24B",
)
def pos_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is not ClaimKind.PROFESSIONAL or claim.place_of_service:
        return
    for line in claim.lines:
        if not line.place_of_service:
            yield pos_missing.finding(
                "no place of service on the claim or the line",
                line=line.number,
                fix="set the claim's place of service (CLM05-1)",
            )


@edit(
    "CLAIM-LINE-LIMIT",
    Severity.ERROR,
    description="A professional claim has at most 50 service lines.",
    source=f"{X222} loop 2400 repeat 50",
)
def claim_line_limit(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is ClaimKind.PROFESSIONAL and len(claim.lines) > 50:
        yield claim_line_limit.finding(
            f"the claim has {len(claim.lines)} lines; an 837P claim carries at most 50",
            fix="split the services into claims of at most 50 lines",
        )


@edit(
    "FREQUENCY-INVALID",
    Severity.ERROR,
    description="A professional claim's frequency code is 1 (original), 7 (replacement) or 8 (void).",
    source=f"{X222} CLM05-3; NUBC claim frequency codes",
)
def frequency_invalid(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is ClaimKind.PROFESSIONAL and claim.frequency_code not in ("1", "7", "8"):
        yield frequency_invalid.finding(
            f"frequency code {claim.frequency_code} is not used on professional claims",
            fix="use 1 for a new claim, 7 to replace or 8 to void an earlier one",
        )


@edit(
    "FREQUENCY-ORIGINAL-WITH-REFERENCE",
    Severity.WARNING,
    description="An original claim (frequency 1) does not carry an earlier claim's payer control number.",
    source=f"{X222} REF*F8: used only with frequency 7 or 8",
)
def frequency_original_with_reference(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.frequency_code == "1" and claim.payer_claim_control_number:
        yield frequency_original_with_reference.finding(
            "an original claim carries a payer claim control number",
            fix="send frequency 7 to correct the earlier claim, or drop the reference",
        )


@edit(
    "ONSET-AFTER-SERVICE",
    Severity.ERROR,
    description="The onset date of the illness is not after the first date of service.",
    source=f"{X222} DTP*431; CMS-1500 box 14",
)
def onset_after_service(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.onset_date is not None and claim.onset_date > claim.first_service_date:
        yield onset_after_service.finding(
            f"onset {claim.onset_date} is after the first service {claim.first_service_date}",
            fix="check the onset date",
        )


@edit(
    "NDC-QUANTITY-MISSING",
    Severity.ERROR,
    description="A line with an NDC gives the drug quantity and its unit.",
    source=f"{X222} loop 2410 CTP04/CTP05 (required with LIN)",
)
def ndc_quantity_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if line.ndc and (line.ndc_quantity is None or not line.ndc_unit):
            yield ndc_quantity_missing.finding(
                f"NDC {line.ndc} has no quantity or unit",
                line=line.number,
                fix="add the quantity administered and its unit (UN, ML, GR, F2, ME)",
            )


@edit(
    "DUPLICATE-LINE",
    Severity.WARNING,
    description="The same code is not billed twice on one day without a repeat or distinct-service modifier.",
    source="NCCI policy manual ch. I; CPT modifiers 76/77/91/59",
)
def duplicate_line(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if len(claim.lines) < 2:
        return
    seen = Counter(
        (line.service_date, line.procedure, line.modifiers)
        for line in claim.lines
        if not REPEAT_MODIFIERS.intersection(line.modifiers)
    )
    reported: set[tuple[object, ...]] = set()
    for line in claim.lines:
        key = (line.service_date, line.procedure, line.modifiers)
        if seen.get(key, 0) > 1 and key in reported:
            yield duplicate_line.finding(
                f"{line.procedure} is billed again on {line.service_date}",
                line=line.number,
                fix="bill one line with more units, or add 76/77/91 (repeat) or 59/X (distinct)",
            )
        reported.add(key)


@edit(
    "PROVIDER-SIGNATURE-MISSING",
    Severity.WARNING,
    description="The provider's signature is on file (CLM06 = Y).",
    source=f"{X222} CLM06; CMS-1500 box 31",
)
def provider_signature_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not claim.provider_signature:
        yield provider_signature_missing.finding(
            "the claim says the provider's signature is not on file",
            fix="get the provider's signature on file and set CLM06 to Y",
        )
