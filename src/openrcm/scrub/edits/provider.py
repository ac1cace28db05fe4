"""Provider edits: NPIs, the billing provider's TIN and address, taxonomy, person roles."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from openrcm.domain import Claim, EntityType, Finding, Severity
from openrcm.domain.identifiers import check_ein, luhn_valid
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import providers
from openrcm.scrub.registry import edit

X222 = "ASC X12N 837P (005010X222A1)"


@lru_cache(maxsize=65536)
def _npi_ok(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi[0] in "12" and luhn_valid("80840" + npi)


@edit(
    "NPI-CHECK-DIGIT",
    Severity.ERROR,
    description="Every NPI on the claim is 10 digits starting 1 or 2 with a valid Luhn check digit.",
    source="45 CFR 162.406; CMS NPI check digit (Luhn over 80840 + NPI)",
)
def npi_check_digit(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    """NPI: National Provider Identifier. Digit 10 is a Luhn check over 80840 and digits 1-9,
    so a mistyped NPI is caught before the payer rejects the claim."""
    for role, provider in providers(claim):
        npi = provider.npi
        if not _npi_ok(npi):
            yield npi_check_digit.finding(
                f"the {role}'s NPI {npi} is not a valid NPI",
                fix="copy the NPI from NPPES; a single wrong digit fails the check digit",
            )


@edit(
    "PROVIDER-NOT-PERSON",
    Severity.ERROR,
    description="Rendering, referring, supervising, attending and operating providers are individuals (NPI type 1).",
    source=f"{X222} loops 2310A/2310B/2310D/2420A: NM102 = 1",
)
def provider_not_person(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    """Only the billing provider and the service facility may be organisations."""
    for role, provider in providers(claim):
        if role in ("billing provider", "service facility"):
            continue
        if provider.entity_type is not EntityType.PERSON:
            yield provider_not_person.finding(
                f"the {role} is an organisation; that role must be an individual clinician",
                fix="name the clinician (type 1 NPI) in this role",
            )


@edit(
    "BILLING-TIN-MISSING",
    Severity.ERROR,
    description="The billing provider has a tax identification number (EIN or SSN).",
    source=f"{X222} loop 2010AA REF*EI/SY (required)",
)
def billing_tin_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not claim.billing_provider.tin:
        yield billing_tin_missing.finding(
            "the billing provider has no TIN", fix="add the EIN (or SSN for a sole proprietor)"
        )


@edit(
    "BILLING-EIN-PREFIX",
    Severity.ERROR,
    description="A billing provider EIN starts with a prefix the IRS assigns.",
    source="IRS EIN prefixes (campus codes); 837P REF*EI",
)
def billing_ein_prefix(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    tin = claim.billing_provider.tin
    if tin and not claim.billing_provider.tin_is_ssn:
        try:
            check_ein(tin)
        except ValueError:
            yield billing_ein_prefix.finding(
                f"the billing provider's EIN starts with {tin[:2]}, which the IRS never assigns",
                fix="check the EIN on the IRS CP-575 letter; if it is an SSN mark it as one",
            )


@edit(
    "BILLING-ADDRESS-MISSING",
    Severity.ERROR,
    description="The billing provider has a street address.",
    source=f"{X222} loop 2010AA N3/N4 (required)",
)
def billing_address_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.billing_provider.address is None:
        yield billing_address_missing.finding(
            "the billing provider has no address", fix="add the practice's street address"
        )


@edit(
    "BILLING-ADDRESS-PO-BOX",
    Severity.ERROR,
    description="The billing provider address is a street address, not a post office box.",
    source=f"{X222} loop 2010AA N301: 'The Billing Provider Address must be a street address. Post Office Box or Lock Box addresses are to be sent in the Pay-To Address Loop'",
)
def billing_address_po_box(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    address = claim.billing_provider.address
    if address is not None and address.is_po_box:
        yield billing_address_po_box.finding(
            "the billing provider address is a PO box",
            fix="use the physical street address; put the PO box in the pay-to address (2010AB)",
        )


@edit(
    "BILLING-ZIP4",
    Severity.ERROR,
    description="The billing provider ZIP code has nine digits (ZIP+4).",
    source=f"{X222} loop 2010AA N403: 'the full nine digit ZIP code is required'",
)
def billing_zip4(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    address = claim.billing_provider.address
    if address is not None and len(address.zip_code) != 9:
        yield billing_zip4.finding(
            f"the billing provider ZIP code {address.zip_code} has no +4",
            fix="look up the ZIP+4 for the street address (USPS) and send all nine digits",
        )


@edit(
    "TAXONOMY-REQUIRED",
    Severity.ERROR,
    description="Billing and rendering providers carry a taxonomy code when the payer requires it.",
    source=f"{X222} loops 2000A/2310B PRV03; payer rules (taxonomy_required)",
)
def taxonomy_required(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not ctx.rules_for(claim.payer).taxonomy_required:
        return
    for role, provider in (
        ("billing provider", claim.billing_provider),
        ("rendering provider", claim.rendering_provider),
    ):
        if provider is not None and not provider.taxonomy:
            yield taxonomy_required.finding(
                f"the payer requires a taxonomy code and the {role} has none",
                fix="add the provider's NUCC taxonomy code as enrolled with the payer",
            )


@edit(
    "RENDERING-SAME-AS-BILLING",
    Severity.WARNING,
    description="A rendering provider is sent only when it differs from the billing provider.",
    source=f"{X222} loop 2310B: required when the rendering provider differs from the billing provider",
)
def rendering_same_as_billing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    rendering = claim.rendering_provider
    if rendering is not None and rendering.npi == claim.billing_provider.npi:
        yield rendering_same_as_billing.finding(
            "the rendering provider is the billing provider",
            fix="drop the rendering provider loop (2310B)",
        )


@edit(
    "SERVICE-FACILITY-PO-BOX",
    Severity.ERROR,
    description="The service facility address is where care was given, not a post office box.",
    source=f"{X222} loop 2310C N301",
)
def service_facility_po_box(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    facility = claim.service_facility
    if facility is not None and facility.address is not None and facility.address.is_po_box:
        yield service_facility_po_box.finding(
            "the service facility address is a PO box",
            fix="give the street address where the service was performed",
        )
