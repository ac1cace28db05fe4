"""Procedure modifiers: our own short descriptions, and which modifiers cannot go together.

CPT modifiers (two digits) are described here in our own words; the AMA's descriptors are
not copied. HCPCS Level II modifiers (two letters or a letter and a digit) also carry
CMS's descriptions in the HCPCS file, which `describe()` prefers when given the file.
`conflicts()` returns a finding for each pair on one service line that contradicts
itself, such as 26 with TC or 50 with LT.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType

from openrcm.domain.finding import Finding, Severity


@dataclass(frozen=True, slots=True)
class Modifier:
    code: str
    description: str  # ours, short
    level: str  # "CPT" (Level I) or "HCPCS" (Level II)


def _m(level: str, rows: dict[str, str]) -> dict[str, Modifier]:
    return {code: Modifier(code, text, level) for code, text in rows.items()}


MODIFIERS: Mapping[str, Modifier] = MappingProxyType(
    {
        **_m(
            "CPT",
            {
                "22": "Unusually extensive work beyond the usual service",
                "23": "Anesthesia needed for a procedure that usually needs none or local only",
                "24": "Unrelated E/M visit by the same physician during a postoperative period",
                "25": "Significant, separately identifiable E/M visit on the day of a procedure",
                "26": "Professional component only (interpretation)",
                "27": "Multiple outpatient hospital E/M visits on the same day",
                "32": "Service required by a third party (payer, government, court)",
                "33": "Preventive service (no cost sharing under ACA)",
                "47": "Anesthesia given by the surgeon",
                "50": "Bilateral procedure done in the same session",
                "51": "Multiple procedures in the same session",
                "52": "Service reduced at the physician's choice",
                "53": "Procedure stopped after it began (patient's safety)",
                "54": "Surgical care only; others do pre- and postoperative care",
                "55": "Postoperative care only",
                "56": "Preoperative care only",
                "57": "E/M visit at which the decision for major surgery was made",
                "58": "Staged or related procedure by the same physician in the postoperative period",
                "59": "Distinct procedural service (different session, site, lesion or injury)",
                "62": "Two surgeons, each doing a distinct part of one procedure",
                "63": "Procedure on an infant weighing under 4 kg",
                "66": "Team surgery with highly skilled specialists",
                "76": "Repeat procedure by the same physician on the same day",
                "77": "Repeat procedure by another physician on the same day",
                "78": "Unplanned return to the operating room for a related procedure",
                "79": "Unrelated procedure by the same physician in the postoperative period",
                "80": "Assistant surgeon",
                "81": "Minimum assistant surgeon",
                "82": "Assistant surgeon when no qualified resident was available",
                "90": "Laboratory test done by an outside (reference) laboratory",
                "91": "Repeat clinical laboratory test on the same day for a new result",
                "92": "Alternative laboratory platform testing (e.g. a portable device)",
                "95": "Synchronous telemedicine service over real-time audio and video",
                "96": "Habilitative service",
                "97": "Rehabilitative service",
                "99": "More than one modifier applies (listed elsewhere on the claim)",
            },
        ),
        **_m(
            "HCPCS",
            {
                "TC": "Technical component only",
                "LT": "Left side of the body",
                "RT": "Right side of the body",
                "XE": "Separate encounter: a distinct service at a different encounter",
                "XS": "Separate structure: a distinct organ or structure",
                "XP": "Separate practitioner: a distinct service by a different practitioner",
                "XU": "Unusual non-overlapping service: not part of the main service",
                "GA": "Waiver of liability (ABN) on file for this service",
                "GY": "Item or service excluded by statute or not a Medicare benefit",
                "GZ": "Expected to be denied as not reasonable and necessary; no ABN on file",
                "GT": "Interactive audio and video telecommunication (institutional claims)",
                "GC": "Service done in part by a resident under a teaching physician",
                "GE": "Service done by a resident without a teaching physician (primary care exception)",
                "GP": "Delivered under an outpatient physical therapy plan of care",
                "GO": "Delivered under an outpatient occupational therapy plan of care",
                "GN": "Delivered under an outpatient speech-language pathology plan of care",
                "KX": "Requirements in the medical policy have been met",
                "QW": "CLIA-waived test",
                "AS": "Assistant at surgery by a physician assistant, nurse practitioner or CNS",
                "CR": "Catastrophe or disaster related",
                "FS": "Split (shared) E/M visit",
                "FT": "Unrelated E/M visit on the same day as another E/M or in a global period",
                "JW": "Drug amount discarded, not given to any patient",
                "JZ": "No drug amount discarded",
                "PO": "Excepted service at an off-campus outpatient provider-based department",
                "PN": "Non-excepted service at an off-campus outpatient provider-based department",
                "Q5": "Service by a substitute physician under a reciprocal billing arrangement",
                "Q6": "Service by a substitute physician under a fee-for-time arrangement",
                "SA": "Nurse practitioner rendering service with a collaborating physician",
                "E1": "Upper left eyelid",
                "E2": "Lower left eyelid",
                "E3": "Upper right eyelid",
                "E4": "Lower right eyelid",
                "FA": "Left hand, thumb",
                **{
                    f"F{i}": f"Left hand, {n} digit"
                    for i, n in enumerate(("second", "third", "fourth", "fifth"), start=1)
                },
                **{
                    f"F{i}": f"Right hand, {n}"
                    for i, n in zip(
                        range(5, 10),
                        ("thumb", "second digit", "third digit", "fourth digit", "fifth digit"),
                        strict=True,
                    )
                },
                "TA": "Left foot, great toe",
                **{
                    f"T{i}": f"Left foot, {n} digit"
                    for i, n in enumerate(("second", "third", "fourth", "fifth"), start=1)
                },
                **{
                    f"T{i}": f"Right foot, {n}"
                    for i, n in zip(
                        range(5, 10),
                        ("great toe", "second digit", "third digit", "fourth digit", "fifth digit"),
                        strict=True,
                    )
                },
                "LC": "Left circumflex coronary artery",
                "LD": "Left anterior descending coronary artery",
                "LM": "Left main coronary artery",
                "RC": "Right coronary artery",
                "RI": "Ramus intermedius coronary artery",
            },
        ),
    }
)

_SITE = frozenset(
    {"E1", "E2", "E3", "E4", "FA", "TA", "LC", "LD", "LM", "RC", "RI"}
    | {f"F{i}" for i in range(1, 10)}
    | {f"T{i}" for i in range(1, 10)}
)

# each group: any two of its modifiers on one line contradict each other
CONFLICT_GROUPS: tuple[tuple[frozenset[str], str], ...] = (
    (
        frozenset({"26", "TC"}),
        "a line is either the professional or the technical component; bill the global service without either",
    ),
    (
        frozenset({"LT", "RT"}),
        "left and right on one line: bill modifier 50 (or two lines) for a bilateral service",
    ),
    (frozenset({"50", "LT"}), "50 already says both sides"),
    (frozenset({"50", "RT"}), "50 already says both sides"),
    (frozenset({"59", "XE"}), "59 and an X modifier say the same thing; use the X modifier alone"),
    (frozenset({"59", "XS"}), "59 and an X modifier say the same thing; use the X modifier alone"),
    (frozenset({"59", "XP"}), "59 and an X modifier say the same thing; use the X modifier alone"),
    (frozenset({"59", "XU"}), "59 and an X modifier say the same thing; use the X modifier alone"),
    (frozenset({"GA", "GZ"}), "GA says an ABN is on file, GZ that none is"),
    (frozenset({"GA", "GY"}), "GY (statutorily excluded) does not take an ABN modifier"),
    (
        frozenset({"GY", "GZ"}),
        "GY (statutorily excluded) and GZ (not reasonable and necessary) are different denials",
    ),
    (
        frozenset({"76", "77"}),
        "a repeat is by the same physician (76) or by another (77), not both",
    ),
    (frozenset({"52", "53"}), "a service is reduced (52) or discontinued (53), not both"),
    (frozenset({"54", "55", "56"}), "split surgical care: one part per line"),
    (frozenset({"80", "81", "82", "AS"}), "one kind of assistant at surgery per line"),
    (
        frozenset({"62", "80", "81", "82", "AS"}),
        "co-surgery (62) and assistant at surgery are different roles",
    ),
    (
        frozenset({"25", "57"}),
        "an E/M visit is either separately identifiable (25) or the decision for surgery (57)",
    ),
    (frozenset({"GP", "GO", "GN"}), "one therapy plan of care per line"),
    (frozenset({"JW", "JZ"}), "JW reports discarded drug, JZ that none was discarded"),
    (_SITE, "one anatomic site per line"),
)


def describe(code: str, hcpcs_modifiers: Mapping[str, object] | None = None) -> str | None:
    """Our description of a modifier, or CMS's from a HCPCS file's modifier records."""
    code = code.strip().upper()
    if code in MODIFIERS:
        return MODIFIERS[code].description
    if hcpcs_modifiers and code in hcpcs_modifiers:
        return str(getattr(hcpcs_modifiers[code], "long_description", "")) or None
    return None


def conflicts(modifiers: Iterable[str], line: int | None = None) -> list[Finding]:
    """One MODIFIER-CONFLICT finding for each contradictory pair on one service line."""
    present = [m.strip().upper() for m in modifiers if m and m.strip()]
    out: list[Finding] = []
    seen: set[frozenset[str]] = set()
    for a, b in combinations(present, 2):
        pair = frozenset({a, b})
        if len(pair) < 2 or pair in seen:
            continue
        for group, reason in CONFLICT_GROUPS:
            if pair <= group:
                seen.add(pair)
                out.append(
                    Finding(
                        code="MODIFIER-CONFLICT",
                        severity=Severity.ERROR,
                        message=f"modifiers {a} and {b} cannot be used together: {reason}",
                        line=line,
                        fix=f"remove {a} or {b}",
                    )
                )
                break
    return out
