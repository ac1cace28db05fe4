"""Is this code right for this date of service? Findings, never exceptions.

`validate_icd10cm`, `validate_hcpcs`, `validate_cpt`, `validate_modifier` and
`validate_pos` each return a list of findings (empty when the code is valid and billable
on the date). Finding codes are stable:

- `CODE-FORMAT`: not shaped like a code of that system.
- `CODE-UNKNOWN`: well formed, but in no loaded release.
- `CODE-NOT-EFFECTIVE`: a real code, but not valid on that date (not yet added, deleted,
  terminated; ICD-10-CM before 2015-10-01).
- `ICD-HEADER`: a category or subcategory with codes under it; the message lists them.
- `ICD-7TH-CHARACTER`: the code needs a 7th character; `ICD-7TH-CHARACTER-INVALID`: the
  7th character given is not one this code takes.
- `ICD-PLACEHOLDER-X`: the code needs the placeholder X (T36.0X1A, not T36.01A).
- `ICD-MANIFESTATION-FIRST`: a manifestation code ("code first" the underlying condition)
  reported first-listed.
- `CPT-NOT-IN-PFS`: a CPT code the Medicare fee schedule file does not list (warning).
"""

from __future__ import annotations

import re
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from openrcm.codes.cpt import CptCategory, cpt_category, is_level_ii_form
from openrcm.codes.icd10cm import ICD10_START, Icd10cmIndex
from openrcm.codes.modifiers import MODIFIERS
from openrcm.codes.notation import icd10cm_dotted, normalize_code
from openrcm.domain.finding import Finding, Severity

if TYPE_CHECKING:
    from openrcm.codes.bundle import CodeSets

SYSTEMS = {
    "icd10cm": "icd10cm",
    "icd10": "icd10cm",
    "icd-10-cm": "icd10cm",
    "icd": "icd10cm",
    "hcpcs": "hcpcs",
    "cpt": "cpt",
    "modifier": "modifier",
    "pos": "pos",
}
_ICD_FORM = re.compile(r"^[A-Z]\d[0-9A-Z][0-9A-Z]{0,4}$")
LISTED = 12  # billable children named in a header finding


def _error(
    code: str, message: str, fix: str | None = None, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(code=code, severity=severity, message=message, fix=fix)


def _periods_text(index: Icd10cmIndex, code: str) -> str:
    horizon = index.data_horizon
    parts = []
    for p in index.validity(code):
        to = "onward" if p.valid_to >= horizon else f"to {p.valid_to.isoformat()}"
        parts.append(f"{p.valid_from.isoformat()} {to}")
    return "; ".join(parts)


def _placeholder_candidates(code: str) -> list[str]:
    """`T3601A` -> `T360X1A`...: the code with X placeholders inserted to reach 7 characters."""
    missing = 7 - len(code)
    if missing <= 0 or len(code) < 4:
        return []
    body, seventh = code[:-1], code[-1]
    out = []
    slots = range(3, len(body) + missing)
    for places in combinations(slots, missing):
        chars = list(body)
        for at in places:
            chars.insert(at, "X")
        out.append("".join(chars) + seventh)
    return out


def validate_icd10cm(
    index: Icd10cmIndex, code: str, date_of_service: date, *, first_listed: bool = False
) -> list[Finding]:
    norm = normalize_code(code)
    shown = icd10cm_dotted(norm) if _ICD_FORM.match(norm) else code.strip()
    if not _ICD_FORM.match(norm):
        return [
            _error(
                "CODE-FORMAT",
                f"{code.strip()!r} is not an ICD-10-CM code (a letter, a digit, then 1-5 characters)",
            )
        ]
    period = index.period_on(norm, date_of_service)
    if period is not None:
        node = index.get(norm)
        manifestation = "manifestation" in period.attributes or (
            node is not None and "in diseases classified elsewhere" in node.title.lower()
        )
        if first_listed and manifestation:
            return [
                _error(
                    "ICD-MANIFESTATION-FIRST",
                    f"{shown} is a manifestation code and cannot be first-listed; code the underlying condition first",
                    fix="list the etiology code (see the code-first note) before this one",
                )
            ]
        return []
    if date_of_service < ICD10_START:
        return [
            _error(
                "CODE-NOT-EFFECTIVE",
                f"ICD-10-CM applies to dates of service from {ICD10_START.isoformat()}; {date_of_service.isoformat()} is an ICD-9-CM date",
            )
        ]
    node = index.get(norm)
    if node is not None and node.kind in ("chapter", "block"):
        return [_error("ICD-HEADER", f"{norm} is a chapter or block of ICD-10-CM, not a code")]
    if node is not None and node.billable:
        known = _periods_text(index, norm)
        when = (
            f"it is valid {known}"
            if known
            else f"it is in the {index.tabular_release.label} tabular list only"
        )
        return [
            _error(
                "CODE-NOT-EFFECTIVE",
                f"{shown} is not valid on {date_of_service.isoformat()}: {when}",
            )
        ]
    if node is not None:
        earlier = _periods_text(index, norm)
        note = f" (it was billable {earlier})" if earlier else ""
        if index.needs_seventh_character(norm):
            allowed = index.seventh_characters(norm)
            chars = ", ".join(f"{c} {t}" for c, t in list(allowed.items())[:6])
            return [
                _error(
                    "ICD-7TH-CHARACTER",
                    f"{shown} needs a 7th character{note}: {chars}{', ...' if len(allowed) > 6 else ''}",
                    fix=f"use {icd10cm_dotted(index.billable_descendants(norm)[0])} or another 7th character",
                )
            ]
        children = index.billable_descendants(norm)
        listed = ", ".join(icd10cm_dotted(c) for c in children[:LISTED])
        more = f" and {len(children) - LISTED} more" if len(children) > LISTED else ""
        return [
            _error(
                "ICD-HEADER",
                f"{shown} is a header, not billable on {date_of_service.isoformat()}{note}; billable codes under it: {listed}{more}",
                fix="code to the highest specificity: choose one of the billable codes",
            )
        ]
    known = _periods_text(index, norm)
    if known:
        return [
            _error(
                "CODE-NOT-EFFECTIVE",
                f"{shown} is not valid on {date_of_service.isoformat()}: it is valid {known}",
            )
        ]
    if len(norm) == 7 and index.needs_seventh_character(norm[:6]):
        allowed = index.seventh_characters(norm[:6])
        return [
            _error(
                "ICD-7TH-CHARACTER-INVALID",
                f"{norm[6]} is not a 7th character of {icd10cm_dotted(norm[:6])}; it takes {', '.join(allowed)}",
            )
        ]
    for candidate in _placeholder_candidates(norm):
        if index.is_billable(candidate, on=date_of_service) or index.is_billable(candidate):
            return [
                _error(
                    "ICD-PLACEHOLDER-X",
                    f"{shown} needs the placeholder X: {icd10cm_dotted(candidate)}",
                    fix=f"use {icd10cm_dotted(candidate)}",
                )
            ]
    if len(norm) < 7:
        for candidate in _placeholder_candidates(norm + "A"):
            if index.needs_seventh_character(candidate[:6]) and len(norm) < 6:
                return [
                    _error(
                        "ICD-PLACEHOLDER-X",
                        f"{shown} needs the placeholder X and a 7th character: {icd10cm_dotted(candidate[:6])}_",
                        fix=f"use {icd10cm_dotted(candidate)} or another 7th character",
                    )
                ]
    return [_error("CODE-UNKNOWN", f"{shown} is not an ICD-10-CM code in any loaded release")]


def validate_cpt(code_sets: CodeSets, code: str, date_of_service: date) -> list[Finding]:
    norm = normalize_code(code)
    category = cpt_category(norm)
    if category is None:
        return [
            _error(
                "CODE-FORMAT",
                f"{code.strip()!r} is not a CPT code: Category I is five digits, Category II four digits and F, "
                "Category III four digits and T, PLA four digits and U",
            )
        ]
    cpt = code_sets.cpt
    if cpt.has_descriptors:
        found = cpt.get(norm)
        if found is None:
            return [_error("CODE-UNKNOWN", f"{norm} ({category}) is not in your imported CPT file")]
        if not found.valid_on(date_of_service):
            return [
                _error(
                    "CODE-NOT-EFFECTIVE",
                    f"{norm} is not valid on {date_of_service.isoformat()} in your CPT file",
                )
            ]
        return []
    if cpt.fee_schedule_codes and norm not in cpt.fee_schedule_codes:
        lab = category is CptCategory.PLA or (
            category is CptCategory.CATEGORY_I and "80047" <= norm <= "89398"
        )
        where = (
            "the Clinical Laboratory Fee Schedule prices it, not the PFS"
            if lab
            else "check it against a current CPT file"
        )
        return [
            _error(
                "CPT-NOT-IN-PFS",
                f"{norm} ({category}) is not in the Medicare Physician Fee Schedule file; {where}",
                severity=Severity.INFO if lab else Severity.WARNING,
            )
        ]
    return []


def validate_hcpcs(code_sets: CodeSets, code: str, date_of_service: date) -> list[Finding]:
    norm = normalize_code(code)
    if cpt_category(norm) is not None:  # Level I HCPCS is CPT
        return validate_cpt(code_sets, norm, date_of_service)
    if not is_level_ii_form(norm):
        return [
            _error(
                "CODE-FORMAT",
                f"{code.strip()!r} is not a HCPCS code (Level II is a letter A-V and four digits)",
            )
        ]
    hcpcs = code_sets.hcpcs
    found = hcpcs.procedures.get(norm)
    if found is None:
        return [_error("CODE-UNKNOWN", f"{norm} is not in the HCPCS Level II file {hcpcs.source}")]
    if not found.valid_on(date_of_service):
        start = found.add_date or found.action_effective_date
        if start and date_of_service < start:
            why = f"it was added {start.isoformat()}"
        else:
            why = f"it was terminated after {found.termination_date.isoformat() if found.termination_date else '?'}"
        return [
            _error(
                "CODE-NOT-EFFECTIVE", f"{norm} is not valid on {date_of_service.isoformat()}: {why}"
            )
        ]
    return []


def validate_modifier(code_sets: CodeSets, code: str, date_of_service: date) -> list[Finding]:
    norm = code.strip().upper()
    if not re.match(r"^[0-9A-Z]{2}$", norm):
        return [_error("CODE-FORMAT", f"{code.strip()!r} is not a modifier (two characters)")]
    found = code_sets.hcpcs.modifiers.get(norm)
    if found is not None and not found.valid_on(date_of_service):
        return [
            _error(
                "CODE-NOT-EFFECTIVE",
                f"modifier {norm} is not valid on {date_of_service.isoformat()}",
            )
        ]
    if found is None and norm not in MODIFIERS:
        return [_error("CODE-UNKNOWN", f"{norm} is not a known CPT or HCPCS Level II modifier")]
    return []


def validate_pos(code_sets: CodeSets, code: str) -> list[Finding]:
    norm = code.strip().zfill(2)
    if norm not in code_sets.place_of_service:
        return [
            _error("CODE-UNKNOWN", f"{code.strip()!r} is not an assigned place-of-service code")
        ]
    return []


def validate(
    system: str,
    code: str,
    date_of_service: date,
    code_sets: CodeSets | None = None,
    *,
    first_listed: bool = False,
) -> list[Finding]:
    """Findings for one code on one date of service; `[]` when valid and billable then.

    `system` is icd10cm, hcpcs, cpt, modifier or pos. Without `code_sets` the default
    code sets are loaded once (bundled ICD-10-CM, the reference data's HCPCS and POS).
    """
    from openrcm.codes.bundle import default_code_sets

    kind = SYSTEMS.get(system.strip().lower())
    if kind is None:
        raise ValueError(
            f"unknown code system {system!r}; expected one of icd10cm, hcpcs, cpt, modifier, pos"
        )
    sets = code_sets or default_code_sets()
    if kind == "icd10cm":
        return validate_icd10cm(sets.icd10cm, code, date_of_service, first_listed=first_listed)
    if kind == "hcpcs":
        return validate_hcpcs(sets, code, date_of_service)
    if kind == "cpt":
        return validate_cpt(sets, code, date_of_service)
    if kind == "modifier":
        return validate_modifier(sets, code, date_of_service)
    return validate_pos(sets, code)
