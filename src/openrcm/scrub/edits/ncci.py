"""NCCI edits: procedure-to-procedure pairs and medically unlikely edits (units per line and
per day by MUE adjudication indicator)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from openrcm.domain import Claim, Finding, ServiceLine, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import ANATOMIC_MODIFIERS, facts
from openrcm.scrub.ncci import BYPASS_MODIFIERS, MueTable, PtpEdit
from openrcm.scrub.registry import edit

PTP_SOURCE = "CMS NCCI procedure-to-procedure edits (practitioner / hospital outpatient PTP tables)"
MUE_SOURCE = "CMS NCCI medically unlikely edits (MUE tables, adjudication indicators 1-3)"
_DISTINCT = BYPASS_MODIFIERS - ANATOMIC_MODIFIERS


def _bypassed(first: ServiceLine, second: ServiceLine) -> bool:
    """An NCCI-associated modifier on the column-two line (or different anatomic sites)."""
    if _DISTINCT.intersection(second.modifiers):
        return True
    sites = ANATOMIC_MODIFIERS.intersection(second.modifiers)
    return bool(sites) and not sites <= set(first.modifiers)


_Pair = tuple[ServiceLine, ServiceLine, PtpEdit]
_last_pairs: tuple[Claim | None, ScrubContext | None, list[_Pair]] = (None, None, [])


def _pairs(claim: Claim, ctx: ScrubContext) -> list[_Pair]:
    """(column-one line, column-two line, edit) for each PTP edit among a day's lines,
    found once per claim for both PTP edits."""
    global _last_pairs
    last_claim, last_ctx, found = _last_pairs
    if last_claim is not claim or last_ctx is not ctx:
        found = list(_find_pairs(claim, ctx))
        _last_pairs = (claim, ctx, found)
    return found


def _find_pairs(claim: Claim, ctx: ScrubContext) -> Iterator[_Pair]:
    if ctx.ncci is None or len(claim.lines) < 2:
        return
    tables = ctx.ncci.ptp_for(claim.kind)
    if not tables:
        return
    for day, lines in facts(claim).days.items():
        if len(lines) < 2:
            continue
        codes = {line.procedure for line in lines}
        if len(codes) < 2:
            continue
        for c1 in codes:
            for c2 in codes:
                if c1 == c2:
                    continue
                found = None
                for table in tables:
                    if table.has_column_1(c1):
                        found = table.pair(c1, c2, day)
                        if found is not None:
                            break
                if found is None or found.modifier_indicator == "9":
                    continue
                for first in (line for line in lines if line.procedure == c1):
                    for second in (line for line in lines if line.procedure == c2):
                        yield first, second, found


@edit(
    "NCCI-PTP",
    Severity.ERROR,
    description="A column-two code billed with its column-one code on one day, without an NCCI-associated modifier (indicator 1).",
    source=PTP_SOURCE,
)
def ncci_ptp(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    """Indicator 1 pays both codes when a modifier (59, XE, XS, XP, XU, 25, 91, anatomic)
    shows the services were distinct; without one the column-two code is not paid."""
    for first, second, pair in _pairs(claim, ctx):
        if pair.modifier_indicator == "1" and not _bypassed(first, second):
            yield ncci_ptp.finding(
                f"{second.procedure} is bundled into {first.procedure} on {second.service_date} "
                f"({pair.rationale or 'NCCI PTP edit'})",
                line=second.number,
                fix="add 59 or an X modifier (XE, XS, XP, XU) if the service was distinct; else drop the line",
            )


@edit(
    "NCCI-PTP-NO-BYPASS",
    Severity.ERROR,
    description="A column-two code billed with its column-one code on one day where no modifier may bypass the edit (indicator 0).",
    source=PTP_SOURCE,
)
def ncci_ptp_no_bypass(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for first, second, pair in _pairs(claim, ctx):
        if pair.modifier_indicator == "0":
            yield ncci_ptp_no_bypass.finding(
                f"{second.procedure} is never paid with {first.procedure} on the same day "
                f"({pair.rationale or 'NCCI PTP edit'}); a modifier does not change that",
                line=second.number,
                fix=f"drop {second.procedure}",
            )


_MEDICARE = frozenset({"MA", "MB"})


def _mue(claim: Claim, ctx: ScrubContext) -> MueTable | None:
    return ctx.ncci.mue_for(claim.kind) if ctx.ncci is not None else None


def _applies(claim: Claim, value: int) -> bool:
    """An MUE of 0 means Medicare does not pay the code at all (preventive visits, for
    one); other payers may, so a 0 is held against Medicare claims only."""
    return value > 0 or claim.payer.claim_filing_indicator.value in _MEDICARE


@edit(
    "NCCI-MUE-LINE",
    Severity.ERROR,
    description="Units on one line do not exceed the code's MUE (adjudication indicator 1, line edit).",
    source=MUE_SOURCE,
)
def ncci_mue_line(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    table = _mue(claim, ctx)
    if table is None:
        return
    for line in claim.lines:
        found = table.get(line.procedure)
        if (
            found is not None
            and found.adjudication_indicator == "1"
            and line.units > found.value
            and _applies(claim, found.value)
        ):
            yield ncci_mue_line.finding(
                f"{line.units} units of {line.procedure} on one line exceed the MUE of {found.value}",
                line=line.number,
                fix="split clinically distinct services onto lines with the right modifier (e.g. 59, 76, 91) or correct the units",
            )


def _per_day(
    claim: Claim, ctx: ScrubContext, indicator: str
) -> Iterator[tuple[ServiceLine, Decimal, int]]:
    table = _mue(claim, ctx)
    if table is None:
        return
    for lines in facts(claim).days.values():
        totals: dict[str, Decimal] = {}
        last: dict[str, ServiceLine] = {}
        for line in lines:
            totals[line.procedure] = totals.get(line.procedure, Decimal(0)) + line.units
            last[line.procedure] = line
        for code, units in totals.items():
            found = table.get(code)
            if (
                found is not None
                and found.adjudication_indicator == indicator
                and units > found.value
                and _applies(claim, found.value)
            ):
                yield last[code], units, found.value


@edit(
    "NCCI-MUE-DOS-POLICY",
    Severity.ERROR,
    description="Units of a code on one day do not exceed its MUE (indicator 2, policy: never paid above it).",
    source=MUE_SOURCE,
)
def ncci_mue_dos_policy(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line, units, value in _per_day(claim, ctx, "2"):
        yield ncci_mue_dos_policy.finding(
            f"{units} units of {line.procedure} on {line.service_date} exceed the MUE of {value} (policy)",
            line=line.number,
            fix=f"bill at most {value} units; the excess is not payable even on appeal",
        )


@edit(
    "NCCI-MUE-DOS-CLINICAL",
    Severity.ERROR,
    description="Units of a code on one day do not exceed its MUE (indicator 3, clinical: appealable with records).",
    source=MUE_SOURCE,
)
def ncci_mue_dos_clinical(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line, units, value in _per_day(claim, ctx, "3"):
        yield ncci_mue_dos_clinical.finding(
            f"{units} units of {line.procedure} on {line.service_date} exceed the MUE of {value} (clinical)",
            line=line.number,
            fix=f"bill {value} units; if more were medically necessary, appeal with the records",
        )
