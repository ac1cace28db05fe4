"""Diagnosis edits: ICD-10-CM codes valid and billable on the date of service, 7th characters,
sequencing (manifestation and external cause codes never first), Excludes1 pairs, Medicare
Code Editor age and sex conflicts, unspecified codes, and diagnosis pointers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from openrcm.domain import Claim, ClaimKind, Finding, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import facts
from openrcm.scrub.registry import edit

GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"


@edit(
    "ICD-INVALID",
    Severity.ERROR,
    description="Every diagnosis is an ICD-10-CM code in the code set in force on the date of service.",
    source=f"{GUIDELINES} I.A; HIPAA code set in force on the date of service (45 CFR 162.1002)",
)
def icd_invalid(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None:
        return
    on = facts(claim).code_date
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if not codes.is_valid(diagnosis.code, on):
            yield icd_invalid.finding(
                f"diagnosis {position} ({diagnosis.dotted}) is not an ICD-10-CM code on {on}",
                fix="look the code up in the tabular list for the year of the date of service",
            )


@edit(
    "ICD-NOT-BILLABLE",
    Severity.ERROR,
    description="Every diagnosis is a complete code (coded to the highest specificity), not a category header.",
    source=f"{GUIDELINES} I.B.2 (level of detail in coding)",
)
def icd_not_billable(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None:
        return
    on = facts(claim).code_date
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        code = diagnosis.code
        if (
            codes.is_valid(code, on)
            and not codes.is_billable(code, on)
            and not codes.needs_seventh_character(code)
        ):
            yield icd_not_billable.finding(
                f"diagnosis {position} ({diagnosis.dotted}) is a header, not a billable code",
                fix="code to the highest number of characters available",
            )


@edit(
    "ICD-SEVENTH-CHARACTER",
    Severity.ERROR,
    description="Codes of categories that take a 7th character have one (with X placeholders).",
    source=f"{GUIDELINES} I.A.5 and I.B.2 (7th characters, placeholder X)",
)
def icd_seventh_character(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None:
        return
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if codes.needs_seventh_character(diagnosis.code):
            yield icd_seventh_character.finding(
                f"diagnosis {position} ({diagnosis.dotted}) needs a 7th character",
                fix="add the 7th character (A initial, D subsequent, S sequela, ...), padding with X",
            )


@edit(
    "ICD-MANIFESTATION-FIRST",
    Severity.ERROR,
    description="A manifestation code is never the first-listed diagnosis (of the claim or of a line).",
    source=f"{GUIDELINES} I.A.13 (etiology/manifestation convention, 'code first')",
)
def icd_manifestation_first(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None:
        return
    first = claim.diagnoses[0]
    if codes.is_manifestation(first.code):
        yield icd_manifestation_first.finding(
            f"{first.dotted} is a manifestation code and is listed first",
            fix="list the underlying condition first, then the manifestation",
        )
        return
    if claim.kind is ClaimKind.PROFESSIONAL:
        for line in claim.lines:
            pointer = line.diagnosis_pointers[0] if line.diagnosis_pointers else None
            if pointer and pointer <= len(claim.diagnoses):
                diagnosis = claim.diagnoses[pointer - 1]
                if codes.is_manifestation(diagnosis.code):
                    yield icd_manifestation_first.finding(
                        f"the line's first diagnosis pointer is the manifestation code {diagnosis.dotted}",
                        line=line.number,
                        fix="point first at the underlying condition",
                    )


@edit(
    "ICD-EXCLUDES1",
    Severity.ERROR,
    description="No two diagnoses on the claim form an Excludes1 pair (never coded together).",
    source=f"{GUIDELINES} I.A.12.a (Excludes1)",
)
def icd_excludes1(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None or len(claim.diagnoses) < 2:
        return
    listed = [d for d in claim.diagnoses]
    for i, first in enumerate(listed):
        for second in listed[i + 1 :]:
            if first.code == second.code:
                continue
            if codes.excludes1(first.code, second.code) or codes.excludes1(second.code, first.code):
                yield icd_excludes1.finding(
                    f"{first.dotted} and {second.dotted} are an Excludes1 pair",
                    fix="keep the code the documentation supports; Excludes1 conditions are not coded together",
                )


@edit(
    "ICD-AGE-CONFLICT",
    Severity.ERROR,
    description="No diagnosis conflicts with the patient's age (newborn, pediatric, maternity, adult codes).",
    source="CMS Medicare Code Editor (MCE) age conflict edit",
)
def icd_age_conflict(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    yield from _mce(claim, ctx, "AGE")


MCE_SEX_EDIT_REMOVED = date(2024, 10, 1)
_MEDICARE = frozenset({"MA", "MB"})


@edit(
    "ICD-SEX-CONFLICT",
    Severity.ERROR,
    description="No diagnosis conflicts with the patient's sex (Medicare: only before FY2025).",
    source="CMS Medicare Code Editor (MCE) sex conflict edit; removed from the MCE for "
    "Medicare from 2024-10-01, kept by other payers as last published (FY2024)",
)
def icd_sex_conflict(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    """CMS deleted the MCE sex conflict edit from October 1, 2024. Medicare claims follow
    the MCE in force; other payers still edit diagnoses against sex, so for them the
    FY2024 MCE list (the last published) is asked."""
    on = facts(claim).code_date
    medicare = claim.payer.claim_filing_indicator.value in _MEDICARE
    if on >= MCE_SEX_EDIT_REMOVED and not medicare:
        on = MCE_SEX_EDIT_REMOVED - timedelta(days=1)
    yield from _mce(claim, ctx, "SEX", on)


@edit(
    "ICD-SEX-UNUSUAL",
    Severity.WARNING,
    description="A Medicare claim's diagnosis is one the MCE paired with the other sex until FY2025: check the entry.",
    source="CMS Medicare Code Editor FY2024 sex edit (removed from 2024-10-01)",
)
def icd_sex_unusual(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    """Medicare no longer rejects these, but a prostate code on a woman's claim is still
    more often a wrong patient or a wrong code than a true finding."""
    on = facts(claim).code_date
    if claim.payer.claim_filing_indicator.value not in _MEDICARE or on < MCE_SEX_EDIT_REMOVED:
        return
    for finding in _mce(claim, ctx, "SEX", MCE_SEX_EDIT_REMOVED - timedelta(days=1)):
        yield icd_sex_unusual.finding(
            finding.message, fix="confirm the patient's sex and the diagnosis in the record"
        )


def _mce(claim: Claim, ctx: ScrubContext, kind: str, on: date | None = None) -> Iterator[Finding]:
    editor = ctx.code_editor
    if editor is None:
        return
    known = facts(claim)
    on = on or known.code_date
    age = known.age
    sex = claim.patient.sex.value
    rule = icd_age_conflict if kind == "AGE" else icd_sex_conflict
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if kind in editor.conflicts(diagnosis.code, age=age, sex=sex, on=on):
            what = f"age {age}" if kind == "AGE" else f"sex {sex}"
            yield rule.finding(
                f"diagnosis {position} ({diagnosis.dotted}) conflicts with the patient's {what}",
                fix="check the code and the patient's demographics; one of them is wrong",
            )


@edit(
    "ICD-UNSPECIFIED-WITH-SPECIFIC",
    Severity.WARNING,
    description="An unspecified code is not billed beside a specific code of the same category.",
    source=f"{GUIDELINES} I.B.18 (use of signs/symptoms/unspecified codes)",
)
def icd_unspecified_with_specific(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None or len(claim.diagnoses) < 2:
        return
    specific_categories = {d.code[:3] for d in claim.diagnoses if not codes.is_unspecified(d.code)}
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if diagnosis.code[:3] in specific_categories and codes.is_unspecified(diagnosis.code):
            yield icd_unspecified_with_specific.finding(
                f"diagnosis {position} ({diagnosis.dotted}) is unspecified but a specific "
                f"{diagnosis.code[:3]} code is documented on the claim",
                fix="drop the unspecified code; the specific code says more",
            )


@edit(
    "ICD-UNSPECIFIED",
    Severity.INFO,
    description="An unspecified diagnosis code is reported; payers may deny for lack of specificity.",
    source=f"{GUIDELINES} I.B.18; payer specificity policies",
)
def icd_unspecified(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.diagnoses
    if codes is None:
        return
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if codes.is_unspecified(diagnosis.code):
            yield icd_unspecified.finding(
                f"diagnosis {position} ({diagnosis.dotted}) is an unspecified code",
                fix="use a more specific code when the record documents it (laterality, type, site)",
            )


@edit(
    "ICD-EXTERNAL-CAUSE-FIRST",
    Severity.ERROR,
    description="An external cause code (V00-Y99) is never the first-listed diagnosis.",
    source=f"{GUIDELINES} I.C.20 (external causes are secondary codes)",
)
def icd_external_cause_first(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    first = claim.diagnoses[0]
    if first.code[0] in "VWXY":
        yield icd_external_cause_first.finding(
            f"the external cause code {first.dotted} is listed first",
            fix="list the injury or condition first and the external cause after it",
        )


@edit(
    "ICD-DUPLICATE",
    Severity.ERROR,
    description="A diagnosis code appears once on the claim.",
    source="ASC X12N 837 HI segment; payers reject repeated diagnosis codes",
)
def icd_duplicate(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if diagnosis.code in seen:
            yield icd_duplicate.finding(
                f"diagnosis {position} ({diagnosis.dotted}) is listed twice",
                fix="list each code once and point lines at that one",
            )
        seen.add(diagnosis.code)


@edit(
    "ICD-POINTER-INVALID",
    Severity.ERROR,
    description="Every diagnosis pointer points at a diagnosis on the claim.",
    source="ASC X12N 837P SV107; CMS-1500 box 24E",
)
def icd_pointer_invalid(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    count = len(claim.diagnoses)
    for line in claim.lines:
        for pointer in line.diagnosis_pointers:
            if not 1 <= pointer <= min(count, 12):
                yield icd_pointer_invalid.finding(
                    f"diagnosis pointer {pointer} points past the {count} diagnoses",
                    line=line.number,
                    fix="point at a listed diagnosis (1-12)",
                )


@edit(
    "ICD-POINTER-MISSING",
    Severity.ERROR,
    description="Every professional service line points at least at one diagnosis.",
    source="ASC X12N 837P SV107-1 (required); CMS-1500 box 24E",
)
def icd_pointer_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is not ClaimKind.PROFESSIONAL:
        return
    for line in claim.lines:
        if not line.diagnosis_pointers:
            yield icd_pointer_missing.finding(
                "the line points at no diagnosis",
                line=line.number,
                fix="point the line at the diagnosis that justifies the service",
            )


@edit(
    "ICD-UNREFERENCED",
    Severity.INFO,
    description="Every diagnosis on a professional claim is pointed at by some line.",
    source="CMS-1500 instructions, box 21/24E",
)
def icd_unreferenced(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    if claim.kind is not ClaimKind.PROFESSIONAL:
        return
    used = {p for line in claim.lines for p in line.diagnosis_pointers}
    for position, diagnosis in enumerate(claim.diagnoses, start=1):
        if position not in used and position <= 12:
            yield icd_unreferenced.finding(
                f"no line points at diagnosis {position} ({diagnosis.dotted})",
                fix="point a line at it if it supports a service, or drop it",
            )
