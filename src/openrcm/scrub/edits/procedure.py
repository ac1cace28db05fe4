"""Procedure edits: code shape, HCPCS/CPT in force on the date of service, add-on codes."""

from __future__ import annotations

from collections.abc import Iterator

from openrcm.domain import Claim, Finding, ServiceLine, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import PROCEDURE_PATTERN, facts
from openrcm.scrub.ncci import AddOnEdit
from openrcm.scrub.registry import edit

AOC_SOURCE = "CMS NCCI add-on code edits (AOC file); NCCI policy manual ch. I §R"


@edit(
    "PROCEDURE-FORMAT",
    Severity.ERROR,
    description="Every procedure is shaped like a CPT (5 digits, or 4 digits and F/T/U/A/M) or HCPCS Level II (A-V and 4 digits) code.",
    source="CPT and HCPCS Level II code formats; ASC X12N 837P SV101-2",
)
def procedure_format(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if line.procedure_qualifier == "HC" and not PROCEDURE_PATTERN.match(line.procedure):
            yield procedure_format.finding(
                f"{line.procedure!r} is not a CPT or HCPCS code",
                line=line.number,
                fix="enter the 5-character CPT or HCPCS code",
            )


@edit(
    "PROCEDURE-INACTIVE",
    Severity.ERROR,
    description="Every procedure code is in force on its date of service (added before, not terminated).",
    source="CMS HCPCS quarterly update (add and termination dates); AMA CPT annual release",
)
def procedure_inactive(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.procedures
    if codes is None:
        return
    for line in claim.lines:
        if line.procedure_qualifier != "HC" or not PROCEDURE_PATTERN.match(line.procedure):
            continue
        if codes.is_active(line.procedure, line.service_date) is False:
            yield procedure_inactive.finding(
                f"{line.procedure} is not in force on {line.service_date}",
                line=line.number,
                fix="use the code in force on the date of service (see the HCPCS/CPT update)",
            )


def _add_on_days(
    claim: Claim, ctx: ScrubContext
) -> Iterator[tuple[ServiceLine, AddOnEdit, set[str]]]:
    table = ctx.ncci.add_on if ctx.ncci is not None else None
    if table is None:
        return
    for lines in facts(claim).days.values():
        codes = {line.procedure for line in lines}
        for line in lines:
            found = table.get(line.procedure)
            if found is not None:
                yield line, found, codes


@edit(
    "ADDON-ALONE",
    Severity.ERROR,
    description="An add-on code is billed with some other, primary procedure on the same day.",
    source=AOC_SOURCE,
)
def addon_alone(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    table = ctx.ncci.add_on if ctx.ncci is not None else None
    if table is None:
        return
    for line, _aoc, codes in _add_on_days(claim, ctx):
        if all(table.get(code) is not None for code in codes):
            yield addon_alone.finding(
                f"add-on code {line.procedure} is billed without a primary procedure",
                line=line.number,
                fix="bill the primary procedure with it, or drop the add-on code",
            )


@edit(
    "ADDON-WITHOUT-PRIMARY",
    Severity.ERROR,
    description="An add-on code whose primaries CMS lists (type 1) is billed with one of them.",
    source=AOC_SOURCE,
)
def addon_without_primary(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    table = ctx.ncci.add_on if ctx.ncci is not None else None
    for line, aoc, codes in _add_on_days(claim, ctx):
        others = codes - {line.procedure}
        if (
            aoc.edit_type == "1"
            and table is not None
            and any(table.get(code) is None for code in codes)
            and not aoc.primary_codes & others
        ):
            yield addon_without_primary.finding(
                f"add-on code {line.procedure} is billed without any of its primary codes",
                line=line.number,
                fix="bill it with a listed primary procedure, or drop it",
            )


@edit(
    "ADDON-UNLISTED-PRIMARY",
    Severity.WARNING,
    description="An add-on code with a partial primary list (type 3) is billed with an unlisted primary; the contractor decides.",
    source=AOC_SOURCE,
)
def addon_unlisted_primary(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    table = ctx.ncci.add_on if ctx.ncci is not None else None
    for line, aoc, codes in _add_on_days(claim, ctx):
        others = codes - {line.procedure}
        if (
            aoc.edit_type == "3"
            and table is not None
            and any(table.get(code) is None for code in codes)
            and not aoc.primary_codes & others
        ):
            yield addon_unlisted_primary.finding(
                f"add-on code {line.procedure} is billed with a primary CMS does not list",
                line=line.number,
                fix="check the contractor's policy for this add-on code",
            )
