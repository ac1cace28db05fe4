"""What several edits ask of a claim: its providers, the patient's age, kinds of codes.

Small pure functions over `openrcm.domain` records, shared by the edit modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from openrcm.domain import Claim, ClaimKind, Provider, ServiceLine

CPT_MODIFIERS = frozenset(
    [
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "32",
        "33",
        "47",
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "59",
        "62",
        "63",
        "66",
        "73",
        "74",
        "76",
        "77",
        "78",
        "79",
        "80",
        "81",
        "82",
        "90",
        "91",
        "92",
        "93",
        "95",
        "96",
        "97",
        "99",
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
    ]
)
"""CPT (Level I) modifier numbers; the HCPCS Level II file lists only Level II modifiers."""

ANATOMIC_MODIFIERS = frozenset(
    [
        "E1",
        "E2",
        "E3",
        "E4",
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",
        "LT",
        "RT",
        "LC",
        "LD",
        "LM",
        "RC",
        "RI",
    ]
)
ANESTHESIA_MODIFIERS = frozenset(
    ["AA", "AD", "QK", "QX", "QY", "QZ", "P1", "P2", "P3", "P4", "P5", "P6"]
)
PROCEDURE_PATTERN = re.compile(r"^(\d{4}[0-9AFMTU]|[A-V]\d{4})$")
HCPCS_LEVEL_II = re.compile(r"^[A-V]\d{4}$")


def is_evaluation_and_management(code: str) -> bool:
    """E/M: CPT 99202-99499 (office, hospital, consult, nursing facility, home, ...)."""
    return len(code) == 5 and code.isdigit() and 99202 <= int(code) <= 99499


def is_anesthesia(code: str) -> bool:
    """Anesthesia: CPT 00100-01999."""
    return len(code) == 5 and code.isdigit() and int(code) <= 1999


def is_drug(code: str) -> bool:
    """Drugs billed by HCPCS: J codes (and a few others NDC rules name)."""
    return code.startswith("J") and HCPCS_LEVEL_II.match(code) is not None


def providers(claim: Claim) -> Iterator[tuple[str, Provider]]:
    """Every provider on the claim with its role, claim level then line level."""
    for role in (
        "billing_provider",
        "rendering_provider",
        "referring_provider",
        "supervising_provider",
        "attending_provider",
        "operating_provider",
        "service_facility",
    ):
        provider = getattr(claim, role)
        if provider is not None:
            yield role.replace("_", " "), provider
    for line in claim.lines:
        if line.rendering_provider is not None:
            yield f"line {line.number} rendering provider", line.rendering_provider


def age_on(birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def code_date(claim: Claim) -> date:
    """The date a claim's diagnosis codes are valued on: the first service (the discharge,
    the statement's end, for an institutional claim)."""
    if claim.kind is ClaimKind.INSTITUTIONAL:
        return claim.statement_to or claim.last_service_date
    return claim.first_service_date


def lines_by_day(claim: Claim) -> dict[date, list[ServiceLine]]:
    days: dict[date, list[ServiceLine]] = {}
    for line in claim.lines:
        days.setdefault(line.service_date, []).append(line)
    return days


class ClaimFacts:
    """What many edits derive from one claim, derived once: dates, age, lines by day."""

    __slots__ = ("age", "claim", "code_date", "days", "first_service_date")

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.first_service_date = claim.first_service_date
        self.code_date = code_date(claim)
        self.age = age_on(claim.patient.birth_date, self.code_date)
        self.days = lines_by_day(claim)


_last: tuple[Claim | None, ClaimFacts | None] = (None, None)


def facts(claim: Claim) -> ClaimFacts:
    """The facts of `claim`, remembered for the claim being scrubbed (claims are immutable)."""
    global _last
    last_claim, last_facts = _last
    if last_claim is claim and last_facts is not None:
        return last_facts
    found = ClaimFacts(claim)
    _last = (claim, found)
    return found
