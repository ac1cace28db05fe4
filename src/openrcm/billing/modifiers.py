"""Modifiers on a claim line: cleaned, in the order payers read them, at most four.

Payers price from the first modifier positions, so pricing modifiers (26/TC components,
bilateral 50, reduced or discontinued services, assistants and co-surgeons) go first and
informational ones (25, 59 and the X{EPSU} family, LT/RT, telehealth) after them, each in
the coder's order. A modifier is never dropped silently: a fifth is a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

from openrcm.domain.finding import Finding, Severity

PRICING = (
    "26", "TC", "50", "22", "52", "53", "54", "55", "56", "62", "66", "73", "74",
    "80", "81", "82", "AS", "QK", "QX", "QY", "QZ",
)  # fmt: skip
"""Modifiers that change what the service pays, most significant first."""

MAX_MODIFIERS = 4


def order_modifiers(
    modifiers: Iterable[str], *, line: int
) -> tuple[tuple[str, ...], list[Finding]]:
    """The line's modifiers: upper case, repeats dropped, pricing ones first, at most four."""
    seen: list[str] = []
    for modifier in modifiers:
        text = modifier.strip().upper()
        if text and text not in seen:
            seen.append(text)
    rank = {m: n for n, m in enumerate(PRICING)}
    ordered = sorted(seen, key=lambda m: (0, rank[m]) if m in rank else (1, seen.index(m)))
    findings: list[Finding] = []
    if len(ordered) > MAX_MODIFIERS:
        findings.append(
            Finding(
                code="BILL-MODIFIERS-TRUNCATED",
                severity=Severity.ERROR,
                line=line,
                message=(
                    f"the line has {len(ordered)} modifiers ({', '.join(ordered)}); a claim line "
                    "carries four"
                ),
                fix="keep the four that matter for payment, or use 99 with the rest in a note",
            )
        )
        ordered = ordered[:MAX_MODIFIERS]
    return tuple(ordered), findings
