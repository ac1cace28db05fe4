"""Physician queries: when the note lacks what a code needs, ask, without leading.

A query states the clinical indicators found in the note (the evidence), asks a neutral
question and offers choices taken from the classification itself (the sibling codes that
differ on the missing axis), always with "Other (please specify)" and "Clinically
undetermined". It never suggests an answer and never mentions reimbursement (AHIMA/ACDIS
"Guidelines for Achieving a Compliant Query Practice", 2022 update).

Axes: diabetes type, laterality, acuity, stage, and episode of care (7th character).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from openrcm.coding.result import Evidence, Query, Suggestion

if TYPE_CHECKING:
    from openrcm.codes import Icd10cmIndex

OTHER = "Other (please specify)"
UNDETERMINED = "Clinically undetermined"

_DIABETES = re.compile(r"\bdiabet(?:es|ic)\b|\bDM\b", re.IGNORECASE)
_DIABETES_TYPE = re.compile(
    r"\btype\s*(?:1|2|i|ii|one|two)\b|\bT[12]DM\b|\bDM\s*[12]\b|\b(?:insulin|non.insulin)"
    r".dependent\b|\bjuvenile\b|\bgestational\b|\bsecondary\b|\binduced\b|\bMODY\b|\bLADA\b",
    re.IGNORECASE,
)
_SIDE = re.compile(r"\b(?:right|left|bilateral|both)\b|\bR\b|\bL\b", re.IGNORECASE)
_ACUITY = re.compile(r"\b(?:acute|chronic|subacute|acutely|chronically)\b", re.IGNORECASE)
_STAGE = re.compile(r"\bstage\b|\bgrade\b|\bESRD\b|\bend.stage\b", re.IGNORECASE)


def _sentence(text: str, evidence: Sequence[Evidence]) -> str:
    """The text of the sentences that hold the evidence."""
    parts = []
    for e in evidence:
        start = max(text.rfind("\n", 0, e.start), text.rfind(". ", 0, e.start)) + 1
        ends = [i for i in (text.find("\n", e.end), text.find(". ", e.end)) if i >= 0]
        parts.append(text[start : min(ends) if ends else len(text)])
    return " ".join(parts)


def _indicators(evidence: Sequence[Evidence]) -> str:
    quoted = "; ".join(f'"{e.text}"' for e in evidence[:3])
    return f"Clinical indicators in the record: {quoted}." if quoted else ""


def _siblings(icd: Icd10cmIndex, code: str) -> list[tuple[str, str]]:
    record = icd.get(code)
    if record is None or record.parent is None:
        return []
    return [(c.dotted, c.title) for c in icd.children(record.parent) if c.code != record.code]


def _condition(title: str) -> str:
    title = re.sub(r",?\s*unspecified\b[^,]*", "", title, flags=re.IGNORECASE)
    return title.strip(" ,").lower() or title.lower()


def _choice_query(
    kind: str, s: Suggestion, axis: str, options: Sequence[str], condition: str
) -> Query:
    question = " ".join(
        part
        for part in (
            _indicators(s.evidence),
            f"Based on your clinical judgment, can the {axis} of the {condition} be "
            "further specified? Please document your response in the record.",
        )
        if part
    )
    return Query(
        kind=kind,
        code=s.code,
        question=question,
        options=(*dict.fromkeys(options), OTHER, UNDETERMINED),
        evidence=s.evidence,
    )


def diabetes_type(text: str, found: Sequence[Suggestion], icd: Icd10cmIndex) -> list[Query]:
    mentions = [m for m in _DIABETES.finditer(text)]
    if not mentions or _DIABETES_TYPE.search(text):
        return []
    about = next((s for s in found if s.code[:3] in {"E08", "E09", "E10", "E11", "E13"}), None)
    evidence = (
        about.evidence
        if about
        else tuple(Evidence(start=m.start(), end=m.end(), text=m.group()) for m in mentions[:3])
    )
    question = " ".join(
        (
            _indicators(evidence),
            "Based on your clinical judgment, can the type of diabetes mellitus be further "
            "specified? Please document your response in the record.",
        )
    ).strip()
    return [
        Query(
            kind="diabetes_type",
            code=about.code if about else None,
            question=question,
            options=(
                "Type 1 diabetes mellitus",
                "Type 2 diabetes mellitus",
                "Diabetes mellitus due to an underlying condition",
                "Drug or chemical induced diabetes mellitus",
                "Other specified diabetes mellitus",
                OTHER,
                UNDETERMINED,
            ),
            evidence=evidence,
        )
    ]


def _axis_query(
    kind: str,
    axis: str,
    pattern: re.Pattern[str],
    words: re.Pattern[str],
    text: str,
    s: Suggestion,
    icd: Icd10cmIndex,
) -> Query | None:
    """A query when the code is the unspecified member of siblings that differ on `axis`."""
    title = icd.title(s.code) or s.title
    if "unspecified" not in title.lower() or words.search(title):
        return None  # the code already says where it stands on this axis
    if pattern.search(_sentence(text, s.evidence)):
        return None  # the note says it: the coder can pick the code
    options = [t for _, t in _siblings(icd, s.code) if words.search(t)]
    distinct = {m.group().lower() for t in options for m in words.finditer(t)}
    if len(options) < 2 or len(distinct) < 2:
        return None  # the siblings do not differ on this axis
    return _choice_query(kind, s, axis, options, _condition(title))


_SIDE_WORDS = re.compile(r"\b(?:right|left|bilateral)\b", re.IGNORECASE)
_ACUTE_WORDS = re.compile(r"\b(?:acute|chronic)\b", re.IGNORECASE)
_STAGE_WORDS = re.compile(r"\bstage\b|\bend stage\b", re.IGNORECASE)


def episode_of_care(s: Suggestion, icd: Icd10cmIndex) -> Query | None:
    if "needs_seventh_character" not in s.flags:
        return None
    characters = icd.seventh_characters(s.code)
    if not characters:
        return None
    options = [f"{meaning[:1].upper()}{meaning[1:]}" for meaning in characters.values()]
    return _choice_query(
        "episode_of_care", s, "episode of care", options, _condition(s.title or s.code)
    )


def physician_queries(text: str, found: Sequence[Suggestion], icd: Icd10cmIndex) -> list[Query]:
    """Queries for what the suggested codes need and the note does not say."""
    queries = diabetes_type(text, found, icd)
    for s in found:
        for query in (
            _axis_query("laterality", "laterality", _SIDE, _SIDE_WORDS, text, s, icd),
            _axis_query("acuity", "acuity", _ACUITY, _ACUTE_WORDS, text, s, icd),
            _axis_query("stage", "stage", _STAGE, _STAGE_WORDS, text, s, icd),
            episode_of_care(s, icd),
        ):
            if query is not None:
                queries.append(query)
    return queries
