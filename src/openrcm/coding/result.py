"""What the engine hands a coder: suggestions with evidence and flags, and physician queries.

Codes are written the usual way (`E11.40`, upper case with the dot) for ICD-10-CM and
without a dot for ICD-10-PCS (`0DTJ4ZZ`, or a four-character prefix such as `0DTJ`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

FLAG_NAMES = (
    "negated",  # every mention is negated ("denies chest pain")
    "uncertain",  # every mention is possible/suspected/rule-out
    "historical",  # every mention is past history
    "family",  # every mention is about a relative
    "needs_seventh_character",  # the code needs a 7th character the note did not give
    "not_billable",  # a category or subcategory with more specific codes below it
    "unspecified",  # the code's title says "unspecified"
    "first_listed",  # the suggested first-listed diagnosis (sequencing)
    "combination",  # a combination code that replaced separate codes
)


class Evidence(BaseModel):
    """A span of the note that supports a code: `text == note[start:end]`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Suggestion(BaseModel):
    """One suggested code with the evidence, a confidence in 0..1 and context flags."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    title: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[str, ...] = ()
    system: str = "icd10cm"  # or "icd10pcs"
    guidelines: tuple[str, ...] = ()  # ids of the coding guidelines that shaped it
    replaces: tuple[str, ...] = ()  # codes a combination code stands in for


class Query(BaseModel):
    """A compliant physician query: the clinical indicators, a neutral question, and choices.

    Multiple choice with "Other" and "Clinically undetermined" always offered; it never
    names a preferred answer or any financial effect.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: str  # diabetes_type, laterality, acuity, stage, episode_of_care
    code: str | None  # the suggestion it is about
    question: str
    options: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()


class CodingResult(BaseModel):
    """Diagnosis suggestions (first-listed first, then by score), procedures and queries."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    suggestions: tuple[Suggestion, ...] = ()
    procedures: tuple[Suggestion, ...] = ()
    queries: tuple[Query, ...] = ()
