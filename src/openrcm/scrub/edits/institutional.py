"""Institutional claim (837I / UB-04) edits: type of bill, revenue codes, statement period,
admission data, attending provider, present-on-admission indicators."""

from __future__ import annotations

from collections.abc import Iterator

from openrcm.domain import Claim, ClaimKind, DiagnosisKind, Finding, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.registry import edit

X223 = "ASC X12N 837I (005010X223A2)"


def _inpatient(claim: Claim) -> bool:
    tob = (claim.type_of_bill or "").lstrip("0")
    return claim.kind is ClaimKind.INSTITUTIONAL and tob[:2] in ("11", "12", "18", "21", "41")


@edit(
    "TOB-MISSING",
    Severity.ERROR,
    description="An institutional claim has a type of bill.",
    source=f"{X223} CLM05-1/CLM05-3; UB-04 form locator 4",
)
def tob_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is ClaimKind.INSTITUTIONAL and not claim.type_of_bill:
        yield tob_missing.finding(
            "the institutional claim has no type of bill",
            fix="set the type of bill (facility type, bill classification, frequency), e.g. 0131",
        )


@edit(
    "TOB-FREQUENCY-MISMATCH",
    Severity.ERROR,
    description="The last digit of the type of bill is the claim frequency code.",
    source=f"{X223} CLM05-3; NUBC UB-04 manual FL 4",
)
def tob_frequency_mismatch(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    tob = claim.type_of_bill
    if claim.kind is ClaimKind.INSTITUTIONAL and tob and tob[-1] != claim.frequency_code:
        yield tob_frequency_mismatch.finding(
            f"type of bill {tob} ends in {tob[-1]} but the frequency code is {claim.frequency_code}",
            fix="make the last digit of the type of bill the frequency code",
        )


@edit(
    "REVENUE-CODE-MISSING",
    Severity.ERROR,
    description="Every institutional line has a revenue code.",
    source=f"{X223} SV201; UB-04 form locator 42",
)
def revenue_code_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is not ClaimKind.INSTITUTIONAL:
        return
    for line in claim.lines:
        if not line.revenue_code:
            yield revenue_code_missing.finding(
                "the line has no revenue code",
                line=line.number,
                fix="add the revenue code from the charge master",
            )


@edit(
    "STATEMENT-PERIOD-MISSING",
    Severity.ERROR,
    description="An institutional claim gives its statement covers period (from and through).",
    source=f"{X223} DTP*434; UB-04 form locator 6",
)
def statement_period_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is ClaimKind.INSTITUTIONAL and (
        not claim.statement_from or not claim.statement_to
    ):
        yield statement_period_missing.finding(
            "the statement covers period is incomplete",
            fix="set the statement from and through dates",
        )


@edit(
    "SERVICE-OUTSIDE-STATEMENT",
    Severity.ERROR,
    description="Institutional line dates fall inside the statement covers period.",
    source=f"{X223} DTP*472 within DTP*434",
)
def service_outside_statement(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    start, end = claim.statement_from, claim.statement_to
    if claim.kind is not ClaimKind.INSTITUTIONAL or not start or not end:
        return
    for line in claim.lines:
        if line.service_date < start or line.last_service_date > end:
            yield service_outside_statement.finding(
                f"the line's date {line.service_date} is outside {start} to {end}",
                line=line.number,
                fix="correct the line date or the statement period",
            )


@edit(
    "INPATIENT-ADMISSION-DATA",
    Severity.ERROR,
    description="An inpatient claim gives the admission date, type, source and patient status.",
    source=f"{X223} DTP*435, CL101-CL103; UB-04 form locators 12, 14, 15, 17",
)
def inpatient_admission_data(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not _inpatient(claim):
        return
    missing = [
        name
        for name, value in (
            ("admission date", claim.admission_date),
            ("admission type", claim.admission_type),
            ("admission source", claim.admission_source),
            ("patient status", claim.patient_status),
        )
        if not value
    ]
    if missing:
        yield inpatient_admission_data.finding(
            f"the inpatient claim has no {', '.join(missing)}",
            fix="complete the admission data from the registration record",
        )


@edit(
    "ATTENDING-MISSING",
    Severity.ERROR,
    description="An institutional claim names the attending provider.",
    source=f"{X223} loop 2310A (required for inpatient and most outpatient bills); UB-04 FL 76",
)
def attending_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is ClaimKind.INSTITUTIONAL and claim.attending_provider is None:
        yield attending_missing.finding(
            "the institutional claim has no attending provider",
            fix="add the attending physician's NPI and name",
        )


@edit(
    "POA-MISSING",
    Severity.WARNING,
    description="Inpatient diagnoses carry a present-on-admission indicator (unless the code is exempt).",
    source="CMS POA reporting (DRA 2005 §5001(c)); 837I HI0x-9; UB-04 FL 67",
)
def poa_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if not _inpatient(claim):
        return
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if diagnosis.kind in (DiagnosisKind.ADMITTING, DiagnosisKind.REASON_FOR_VISIT):
            continue
        if diagnosis.present_on_admission is None:
            yield poa_missing.finding(
                f"diagnosis {position} ({diagnosis.dotted}) has no POA indicator",
                fix="add Y, N, U or W (or 1 for an exempt code)",
            )
