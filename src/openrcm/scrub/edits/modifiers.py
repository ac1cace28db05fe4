"""Modifier edits: known modifiers, modifiers valid for the code, conflicting pairs."""

from __future__ import annotations

from collections.abc import Iterator

from openrcm.domain import Claim, Finding, Severity
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.facts import (
    ANESTHESIA_MODIFIERS,
    CPT_MODIFIERS,
    is_anesthesia,
    is_evaluation_and_management,
)
from openrcm.scrub.registry import edit

MODIFIER_SOURCE = "CPT Appendix A modifiers; CMS HCPCS Level II modifiers; Medicare Claims Processing Manual ch. 12"
_X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})


@edit(
    "MODIFIER-INVALID",
    Severity.ERROR,
    description="Every modifier is a CPT modifier or a HCPCS Level II modifier in force on the date of service.",
    source=MODIFIER_SOURCE,
)
def modifier_invalid(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    codes = ctx.procedures
    if codes is None:
        return
    for line in claim.lines:
        for modifier in line.modifiers:
            if (
                modifier not in CPT_MODIFIERS
                and codes.is_modifier(modifier, line.service_date) is False
            ):
                yield modifier_invalid.finding(
                    f"{modifier} is not a modifier on {line.service_date}",
                    line=line.number,
                    fix="use a current CPT or HCPCS modifier",
                )


@edit(
    "MODIFIER-DUPLICATE",
    Severity.ERROR,
    description="A modifier appears at most once on a line.",
    source="ASC X12N 837P SV101-3..6",
)
def modifier_duplicate(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if len(set(line.modifiers)) != len(line.modifiers):
            yield modifier_duplicate.finding(
                f"a modifier repeats on {line.procedure}: {' '.join(line.modifiers)}",
                line=line.number,
                fix="list each modifier once",
            )


@edit(
    "MODIFIER-LT-RT",
    Severity.ERROR,
    description="LT and RT are not on one line; a bilateral service is one line with 50 (or two lines).",
    source="Medicare Claims Processing Manual ch. 12 §40.7; CPT modifier 50",
)
def modifier_lt_rt(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if "LT" in line.modifiers and "RT" in line.modifiers:
            yield modifier_lt_rt.finding(
                f"{line.procedure} has both LT and RT",
                line=line.number,
                fix="bill one line with 50 (bilateral), or one line with LT and one with RT",
            )


@edit(
    "MODIFIER-26-TC",
    Severity.ERROR,
    description="26 (professional component) and TC (technical component) are not on one line.",
    source="Medicare Claims Processing Manual ch. 13 §20 (PC/TC); MPFS PC/TC indicator",
)
def modifier_26_tc(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if "26" in line.modifiers and "TC" in line.modifiers:
            yield modifier_26_tc.finding(
                f"{line.procedure} has both 26 and TC",
                line=line.number,
                fix="bill the global service without either modifier, or one component",
            )


@edit(
    "MODIFIER-50-UNITS",
    Severity.ERROR,
    description="A line with modifier 50 (bilateral) bills one unit.",
    source="Medicare Claims Processing Manual ch. 12 §40.7.B: bilateral procedures are billed as one line with 50 and 1 unit",
)
def modifier_50_units(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if "50" in line.modifiers and line.units > 1:
            yield modifier_50_units.finding(
                f"{line.procedure} with 50 bills {line.units} units",
                line=line.number,
                fix="bill 1 unit with modifier 50 (the payer pays 150%)",
            )


@edit(
    "MODIFIER-50-SIDE",
    Severity.ERROR,
    description="Modifier 50 is not combined with LT or RT on one line.",
    source="Medicare Claims Processing Manual ch. 12 §40.7",
)
def modifier_50_side(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if "50" in line.modifiers and ("LT" in line.modifiers or "RT" in line.modifiers):
            yield modifier_50_side.finding(
                f"{line.procedure} has 50 with a side modifier",
                line=line.number,
                fix="use 50 alone for both sides, or LT/RT for one side",
            )


@edit(
    "MODIFIER-25-NON-EM",
    Severity.ERROR,
    description="Modifier 25 is only on an evaluation and management code.",
    source="CPT modifier 25; NCCI policy manual ch. XI §D",
)
def modifier_25_non_em(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if "25" in line.modifiers and not is_evaluation_and_management(line.procedure):
            yield modifier_25_non_em.finding(
                f"modifier 25 is on {line.procedure}, which is not an E/M code",
                line=line.number,
                fix="put 25 on the E/M code; use 59 or an X modifier for a distinct procedure",
            )


@edit(
    "MODIFIER-EM-ONLY",
    Severity.ERROR,
    description="Modifiers 24 and 57 are only on evaluation and management codes.",
    source="CPT modifiers 24 and 57; Medicare Claims Processing Manual ch. 12 §30.6.6",
)
def modifier_em_only(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        for modifier in ("24", "57"):
            if modifier in line.modifiers and not is_evaluation_and_management(line.procedure):
                yield modifier_em_only.finding(
                    f"modifier {modifier} is on {line.procedure}, which is not an E/M code",
                    line=line.number,
                    fix=f"use {modifier} only on the E/M visit",
                )


@edit(
    "MODIFIER-59-WITH-X",
    Severity.WARNING,
    description="59 and an X{EPSU} modifier are not used together on one line.",
    source="CMS MLN1783722 (Proper use of modifiers 59 and X{EPSU})",
)
def modifier_59_with_x(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        if "59" in line.modifiers and _X_MODIFIERS.intersection(line.modifiers):
            yield modifier_59_with_x.finding(
                f"{line.procedure} has both 59 and an X modifier",
                line=line.number,
                fix="keep the more specific X modifier and drop 59",
            )


@edit(
    "MODIFIER-PCTC",
    Severity.ERROR,
    description="26 and TC are only on codes whose PC/TC indicator allows that component.",
    source="Medicare Physician Fee Schedule PC/TC indicator (PPRRVU); Medicare Claims Processing Manual ch. 12 §20",
)
def modifier_pctc(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    schedule = ctx.fee_schedule
    if schedule is None:
        return
    for line in claim.lines:
        indicator = schedule.pctc(line.procedure)
        if indicator is None:
            continue
        if "26" in line.modifiers and indicator not in ("1", "2", "6", "8"):
            yield modifier_pctc.finding(
                f"{line.procedure} has no professional component to bill with 26 (PC/TC indicator {indicator})",
                line=line.number,
                fix="drop modifier 26",
            )
        if "TC" in line.modifiers and indicator not in ("1", "3"):
            yield modifier_pctc.finding(
                f"{line.procedure} has no technical component to bill with TC (PC/TC indicator {indicator})",
                line=line.number,
                fix="drop modifier TC",
            )


@edit(
    "MODIFIER-BILATERAL-INDICATOR",
    Severity.ERROR,
    description="Modifier 50 is only on codes whose bilateral surgery indicator allows it (1 or 3).",
    source="Medicare Physician Fee Schedule bilateral surgery indicator (PPRRVU)",
)
def modifier_bilateral_indicator(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    schedule = ctx.fee_schedule
    if schedule is None:
        return
    for line in claim.lines:
        if "50" not in line.modifiers:
            continue
        indicator = schedule.bilateral(line.procedure)
        if indicator is not None and indicator not in ("1", "3"):
            yield modifier_bilateral_indicator.finding(
                f"modifier 50 does not apply to {line.procedure} (bilateral indicator {indicator})",
                line=line.number,
                fix="drop 50; the code is already bilateral or cannot be bilateral",
            )


@edit(
    "MODIFIER-ANESTHESIA-ONLY",
    Severity.ERROR,
    description="Anesthesia modifiers (AA, AD, QK, QX, QY, QZ, P1-P6) are only on anesthesia codes (00100-01999).",
    source="Medicare Claims Processing Manual ch. 12 §50 (anesthesia); CPT physical status modifiers",
)
def modifier_anesthesia_only(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    for line in claim.lines:
        found = ANESTHESIA_MODIFIERS.intersection(line.modifiers)
        if found and not is_anesthesia(line.procedure):
            yield modifier_anesthesia_only.finding(
                f"anesthesia modifier {min(found)} is on {line.procedure}, which is not an anesthesia code",
                line=line.number,
                fix="drop the anesthesia modifier",
            )


@edit(
    "MODIFIER-25-MISSING",
    Severity.WARNING,
    description="An E/M visit on the day of a minor procedure (global period 000 or 010) carries modifier 25.",
    source="Medicare Claims Processing Manual ch. 12 §30.6.6 and §40.1 (global surgery); MPFS global days",
)
def modifier_25_missing(claim: Claim, ctx: ScrubContext) -> Iterator[Finding]:
    """The visit that decides on a minor procedure is part of it; only a significant,
    separately identifiable E/M is paid beside it, and 25 says so."""
    schedule = ctx.fee_schedule
    if schedule is None:
        return
    minor_days = {
        line.service_date
        for line in claim.lines
        if schedule.global_days(line.procedure) in ("000", "010")
    }
    for line in claim.lines:
        if (
            line.service_date in minor_days
            and is_evaluation_and_management(line.procedure)
            and "25" not in line.modifiers
            and "57" not in line.modifiers
        ):
            yield modifier_25_missing.finding(
                f"{line.procedure} is billed on the day of a minor procedure without 25",
                line=line.number,
                fix="add 25 if the visit was significant and separately identifiable; else drop the visit",
            )
